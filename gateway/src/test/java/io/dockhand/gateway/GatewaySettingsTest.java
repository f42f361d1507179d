package io.dockhand.gateway;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GatewaySettingsTest {

    @Test
    void defaultsToTheStoresPortAndServiceName() {
        assertThat(GatewaySettings.create(Map.of()))
                .isEqualTo(new GatewaySettings(5001, "server", 5001, Duration.ofSeconds(1), Duration.ofSeconds(3)));
    }

    @Test
    void readsEveryVariable() {
        GatewaySettings settings = GatewaySettings.create(Map.of("GATEWAY_PORT", "6001",
                                                                 "GATEWAY_BACKEND_HOST", "tasks.server",
                                                                 "GATEWAY_BACKEND_PORT", "7001",
                                                                 "GATEWAY_CONNECT_TIMEOUT_MS", "250",
                                                                 "GATEWAY_QUARANTINE_MS", "10"));
        assertThat(settings).isEqualTo(new GatewaySettings(6001, "tasks.server", 7001, Duration.ofMillis(250),
                                                           Duration.ofMillis(10)));
    }

    @Test
    void readsDurationsWithUnits() {
        GatewaySettings settings = GatewaySettings.create(Map.of("GATEWAY_CONNECT_TIMEOUT", "750ms",
                                                                 "GATEWAY_QUARANTINE", "2s",
                                                                 "GATEWAY_QUARANTINE_MS", "10"));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.quarantine()).isEqualTo(Duration.ofSeconds(2));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> GatewaySettings.create(Map.of("GATEWAY_QUARANTINE", "3000")))
                .withMessageContaining("GATEWAY_QUARANTINE").withMessageContaining("500ms");
    }

    @Test
    void namesTheVariableThatIsNotANumber() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> GatewaySettings.create(Map.of("GATEWAY_PORT", "http")))
                .withMessageContaining("GATEWAY_PORT");
    }
}
