package io.dockhand.server.records;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The timestamps the store accepts: ISO-8601 with an offset, from the epoch to the end of year 9999. An
 * observation may lie at most {@link #MAX_FUTURE} ahead of the store's clock (clock skew, or an old client's
 * local time taken as UTC), so one wrong clock cannot put a record at the top of every listing forever.
 */
public final class Timestamps {
    /** How far ahead of the store's clock an observation may be. */
    public static final Duration MAX_FUTURE = Duration.ofHours(24);
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Timestamps() {
    }

    /**
     * Parses {@code 2026-11-22T10:15:30Z} or {@code 2026-11-22T11:15:30+01:00}.
     *
     * @throws DateTimeParseException when it is not such a timestamp, or outside the accepted years
     */
    public static Instant parse(String text) {
        if (text.length() > 64) {
            throw new DateTimeParseException("too long", text.substring(0, 64), 64);
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            instant = OffsetDateTime.parse(text).toInstant();
        }
        return checked(instant, text);
    }

    /** The instant, when it lies between the epoch and the end of year 9999. */
    static Instant checked(Instant instant, String text) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new DateTimeParseException("out of range", text, 0);
        }
        return instant;
    }
}
