package io.dockhand.server;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreSettingsTest {

    private static StoreSettings read(Map<String, String> store) {
        return StoreSettings.create(Config.just(ConfigSources.create(store)));
    }

    @Test
    void readsDurationsWithUnitsAndDefaults() {
        StoreSettings defaults = read(Map.of());
        assertThat(defaults.retryWindow()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.startWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.keyLifetime()).isEqualTo(Duration.ofHours(24));
        StoreSettings set = read(Map.of("retrywindow", "500ms", "startwindow", "2m", "keylifetime", "7d"));
        assertThat(set.retryWindow()).isEqualTo(Duration.ofMillis(500));
        assertThat(set.startWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(set.keyLifetime()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void stillReadsTheOldNumberKeysWhenTheNewOnesAreAbsent() {
        StoreSettings old = read(Map.of("retryseconds", "3", "startseconds", "4", "keyhours", "5"));
        assertThat(old.retryWindow()).isEqualTo(Duration.ofSeconds(3));
        assertThat(old.startWindow()).isEqualTo(Duration.ofSeconds(4));
        assertThat(old.keyLifetime()).isEqualTo(Duration.ofHours(5));
    }

    @Test
    void refusesADurationWithoutUnitNamingTheKey() {
        assertThatThrownBy(() -> read(Map.of("retrywindow", "20")))
                .hasMessageContaining("store.retrywindow").hasMessageContaining("20s");
    }
}
