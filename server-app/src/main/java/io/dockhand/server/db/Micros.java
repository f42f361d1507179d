package io.dockhand.server.db;

import java.time.Instant;

/** How the schema stores an instant: whole microseconds since the epoch in a {@code BIGINT}. */
public final class Micros {
    private Micros() {
    }

    /** The instant in microseconds since the epoch (sub-microsecond parts dropped). */
    public static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
