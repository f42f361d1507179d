package io.dockhand.agent.work;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeploySettingsTest {

    private static DeploySettings read(Map<String, String> values) {
        return DeploySettings.create(Config.just(ConfigSources.create(values)));
    }

    @Test
    void everythingComesFromTheStackUnlessSaid() {
        assertThat(read(Map.of())).isEqualTo(DeploySettings.DEFAULTS);
        assertThat(read(Map.of("agent.network", " apps ", "agent.gateway.image", "gw:1",
                               "agent.deployments.clean", "90s")))
                .isEqualTo(new DeploySettings("apps", "gw:1", Duration.ofSeconds(90)));
    }

    @Test
    void aBadCleaningIntervalNamesItsKey() {
        assertThatThrownBy(() -> read(Map.of("agent.deployments.clean", "often")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("agent.deployments.clean: 'often' is not a duration");
    }
}
