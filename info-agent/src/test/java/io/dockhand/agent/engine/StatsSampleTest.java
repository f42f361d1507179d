package io.dockhand.agent.engine;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatsSampleTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void oneBusyCoreOnATwoCoreHostReadsOneHundred() {
        // 1 s of wall time on 2 CPUs = 2e9 ns of system time; the container used 1e9 ns of it.
        var sample = new StatsSample(NOW, 6_000_000_000L, 22_000_000_000L, 5_000_000_000L, 20_000_000_000L, 2, 0, 0);
        assertThat(sample.cpuPercent()).isCloseTo(100.0, within(0.001));
    }

    @Test
    void anIdleContainerReadsZero() {
        var sample = new StatsSample(NOW, 5_000_000_000L, 22_000_000_000L, 5_000_000_000L, 20_000_000_000L, 2, 0, 0);
        assertThat(sample.cpuPercent()).isEqualTo(0.0);
    }

    @Test
    void withoutAPreviousSampleThereIsNoFigure() {
        var sample = new StatsSample(NOW, 5_000_000_000L, 22_000_000_000L, 0, 0, 2, 0, 0);
        assertThat(sample.cpuPercent()).isNull();
    }
}
