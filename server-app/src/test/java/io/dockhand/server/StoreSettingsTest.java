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

    @Test
    void readsTheNodeAndRunSettingsWithDefaults() {
        StoreSettings.Work defaults = StoreSettings.work(Config.just(ConfigSources.create(Map.of())));
        assertThat(defaults.downAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxContextBytes()).isEqualTo(1L << 30);
        assertThat(defaults.maxLogBytes()).isEqualTo(64L << 20);
        assertThat(defaults.contextRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.claimPoll()).isEqualTo(Duration.ofMillis(200));
        StoreSettings.Work set = StoreSettings.work(Config.just(ConfigSources.create(Map.of(
                "nodes.downafter", "1s", "runs.lease", "2s", "runs.maxcontext", "3m", "runs.maxlog", "64k",
                "runs.contextretention", "12h", "runs.claimpoll", "2s"))));
        assertThat(set.downAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(set.lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.maxContextBytes()).isEqualTo(3L << 20);
        assertThat(set.maxLogBytes()).isEqualTo(64L << 10);
        assertThat(set.contextRetention()).isEqualTo(Duration.ofHours(12));
        assertThat(set.claimPoll()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesBadNodeAndRunSettingsNamingTheKey() {
        assertThatThrownBy(() -> StoreSettings.work(Config.just(ConfigSources.create(Map.of("runs.maxcontext",
                "lots"))))).hasMessageContaining("store.runs.maxcontext");
        assertThatThrownBy(() -> StoreSettings.work(Config.just(ConfigSources.create(Map.of("runs.lease", "10")))))
                .hasMessageContaining("store.runs.lease");
        assertThatThrownBy(() -> StoreSettings.work(Config.just(ConfigSources.create(Map.of("nodes.downafter",
                "0s"))))).hasMessageContaining("store.nodes.downafter");
        assertThatThrownBy(() -> StoreSettings.work(Config.just(ConfigSources.create(Map.of("runs.claimpoll",
                "1ms"))))).hasMessageContaining("store.runs.claimpoll");
        assertThatThrownBy(() -> StoreSettings.work(Config.just(ConfigSources.create(Map.of("runs.claimpoll",
                "1m"))))).hasMessageContaining("store.runs.claimpoll");
    }
}
