package io.dockhand.api;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void readsAWholeNumberAndAUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Durations.parse(" 2 m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("24H")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void readsIso8601Too() {
        assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesAnythingElseNamingTheForms() {
        for (String bad : new String[] {"", "20", "s", "-5s", "PT-5S", "1.5s", "5 seconds", "99999999999999s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500ms, 20s");
        }
    }

    @Test
    void formatsWhatItReads() {
        for (String text : new String[] {"500ms", "20s", "90s", "2m", "5h", "7d", "1500ms"}) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
    }
}
