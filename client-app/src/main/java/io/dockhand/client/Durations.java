package io.dockhand.client;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import picocli.CommandLine;

/** Reads durations on the command line as {@link io.dockhand.api.Durations} reads them everywhere ({@code 5s}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        try {
            return io.dockhand.api.Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Reads {@code --since}: a timestamp, or a duration meaning that long ago. */
    static final class Since implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException e) {
                try {
                    return Instant.now().minus(parse(value));
                } catch (CommandLine.TypeConversionException notDuration) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is neither a timestamp such as "
                            + "2026-11-22T10:15:30Z nor a duration such as 10m (that long ago)");
                }
            }
        }
    }
}
