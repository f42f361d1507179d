package io.dockhand.agent.watch;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.NodeFacts;
import io.dockhand.agent.engine.StatsSample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressIndexTest {

    private static final String TASK = "a".repeat(64);
    private static final String PLAIN = "b".repeat(64);

    @Test
    void findsASwarmTaskByItsGatewayBridgeAddressAndAPlainContainerByItsBridgeAddress() {
        var index = new AddressIndex(new ListingEngine(List.of(
                new Attachment(TASK, "app_overlay", "10.0.1.5"),
                new Attachment(TASK, Attachment.GATEWAY_BRIDGE, "172.18.0.3"),
                new Attachment(PLAIN, "bridge", "172.17.0.2"))));
        index.refresh();

        assertThat(index.find("172.18.0.3")).map(Attachment::containerId).contains(TASK);
        assertThat(index.find("172.18.0.3")).map(Attachment::visibleInInspect).contains(false);
        assertThat(index.find("10.0.1.5")).map(Attachment::containerId).contains(TASK);
        assertThat(index.find("172.17.0.2")).map(Attachment::containerId).contains(PLAIN);
        assertThat(index.find("172.17.0.9")).isEmpty();
        assertThat(index.containerIds()).containsExactlyInAnyOrder(TASK, PLAIN);
    }

    @Test
    void matchesIpv6AddressesWhateverTheirSpelling() {
        var index = new AddressIndex(new ListingEngine(List.of(new Attachment(PLAIN, "v6net", "fd00:db8::2"))));
        index.refresh();

        assertThat(index.find("fd00:db8:0:0:0:0:0:2")).map(Attachment::containerId).contains(PLAIN);
    }

    @Test
    void aBurstOfMissesCostsTheEngineOneListing() {
        var engine = new ListingEngine(List.of());
        var index = new AddressIndex(engine);
        long askedAt = System.nanoTime();
        index.refreshUnlessDoneSince(askedAt);
        index.refreshUnlessDoneSince(askedAt);
        index.refreshUnlessDoneSince(askedAt);

        assertThat(engine.listings.get()).isEqualTo(1);
        index.refreshUnlessDoneSince(System.nanoTime());
        assertThat(engine.listings.get()).isEqualTo(2);
    }

    private static final class ListingEngine implements Engine {
        private final List<Attachment> attachments;
        private final AtomicInteger listings = new AtomicInteger();

        ListingEngine(List<Attachment> attachments) {
            this.attachments = attachments;
        }

        @Override
        public List<Attachment> attachments() {
            listings.incrementAndGet();
            return attachments;
        }

        @Override
        public ContainerInfo inspect(String idOrName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NodeFacts node() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription changes(Consumer<String> onChange, Runnable onEnd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
