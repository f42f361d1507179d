package io.dockhand.agent.watch;

import java.util.List;

import io.dockhand.agent.engine.Attachment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the index keys what the engine lists; the lookups and refreshes themselves run against the engine in ITs. */
class AddressIndexTest {

    private static final String TASK = "a".repeat(64);
    private static final String PLAIN = "b".repeat(64);

    @Test
    void keysASwarmTaskByItsGatewayBridgeAddressAndEveryContainerByItsNetworkAddresses() {
        var index = AddressIndex.byAddress(List.of(
                new Attachment(TASK, "app_overlay", "10.0.1.5"),
                new Attachment(TASK, Attachment.GATEWAY_BRIDGE, "172.18.0.3"),
                new Attachment(PLAIN, "bridge", "172.17.0.2")));

        assertThat(index).containsOnlyKeys("10.0.1.5", "172.18.0.3", "172.17.0.2");
        assertThat(index.get("172.18.0.3")).isEqualTo(new Attachment(TASK, Attachment.GATEWAY_BRIDGE, "172.18.0.3"));
        assertThat(index.get("172.18.0.3").visibleInInspect()).isFalse();
        assertThat(index.get("10.0.1.5").containerId()).isEqualTo(TASK);
        assertThat(index.get("172.17.0.2").containerId()).isEqualTo(PLAIN);
    }

    @Test
    void prefersTheViewInspectionShowsOverTheGatewayBridgeWhateverTheOrder() {
        var visible = new Attachment(PLAIN, "bridge", "172.17.0.2");
        var hidden = new Attachment(TASK, Attachment.GATEWAY_BRIDGE, "172.17.0.2");

        assertThat(AddressIndex.byAddress(List.of(visible, hidden))).containsEntry("172.17.0.2", visible);
        assertThat(AddressIndex.byAddress(List.of(hidden, visible))).containsEntry("172.17.0.2", visible);
    }

    @Test
    void spellsIpv6AddressesOneWay() {
        var index = AddressIndex.byAddress(List.of(new Attachment(PLAIN, "v6net", "fd00:db8::2")));

        assertThat(AddressIndex.canonical("fd00:db8:0:0:0:0:0:2")).isEqualTo(AddressIndex.canonical("fd00:db8::2"));
        assertThat(index).containsOnlyKeys(AddressIndex.canonical("fd00:db8:0:0:0:0:0:2"));
        assertThat(AddressIndex.canonical("172.17.0.2")).isEqualTo("172.17.0.2");
    }
}
