package io.dockhand.server.records;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import io.dockhand.api.Paths;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The original tool's paths, kept so its clients keep working. {@code POST /service} takes its body shape
 * ({@code id}, {@code name}, {@code image}, {@code timestamp}, {@code memory_usage} in MB, {@code cpu_usage}) and
 * maps it onto a record; {@code GET /service} streams every record as one JSON array.
 */
public final class LegacyService implements Routes.Resource {
    private static final long MIB = 1024L * 1024L;

    private final RecordsService records;
    private final int maxBodyBytes;
    private final RecordRepository repository;
    private final Clock clock;

    /** The original paths, storing through {@code records}. */
    public LegacyService(RecordsService records, RecordRepository repository, int maxBodyBytes, Clock clock) {
        this.records = records;
        this.repository = repository;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.LEGACY_SERVICE, this::create).get(Paths.LEGACY_SERVICE, this::all);
    }

    private void create(ServerRequest req, ServerResponse res) {
        RequestBodies.JsonBody body = RequestBodies.readObjectOfAnyType(req, maxBodyBytes);
        NewRecord record = RecordValidator.validate(toRecord(body.object(), clock), clock);
        RecordsService.created(res, records.store(records.vouched(req, record),
                                                  RequestBodies.idempotencyKey(req, body.bytes())));
    }

    /**
     * Maps the original body onto the record shape: {@code id} is the container id, {@code timestamp} the
     * observation time (ISO-8601, a local date-time taken as UTC, or epoch seconds; the time of receipt when
     * absent), {@code memory_usage} MiB become {@code memoryBytes}. A body that already speaks the record's
     * language keeps it: an explicit {@code containerId}, {@code observedAt} or {@code memoryBytes} wins over the
     * original field. {@code cpu_usage} stays as sent: a fraction of the host cannot become {@code cpuPercent}
     * without the host's CPU count. Every other field stays as sent.
     */
    static ObjectNode toRecord(ObjectNode legacy, Clock clock) {
        ObjectNode record = legacy.deepCopy();
        if (record.hasNonNull("containerId")) {
            record.remove("id");
        } else {
            move(record, "id", "containerId");
        }
        JsonNode timestamp = record.remove("timestamp");
        if (!record.hasNonNull("observedAt")) {
            record.put("observedAt", observedAt(timestamp, clock).toString());
        }
        JsonNode memory = record.remove("memory_usage");
        if (memory != null && !memory.isNull() && !record.hasNonNull("memoryBytes")) {
            if (!memory.isNumber() || memory.decimalValue().signum() < 0) {
                throw new InvalidRecordException("'memory_usage' must be a number of megabytes, 0 or more.");
            }
            try {
                record.put("memoryBytes", memory.decimalValue().multiply(BigDecimal.valueOf(MIB))
                        .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
            } catch (ArithmeticException e) {
                throw new InvalidRecordException("'memory_usage' is out of range.");
            }
        }
        return record;
    }

    private static void move(ObjectNode record, String from, String to) {
        JsonNode value = record.remove(from);
        if (value != null) {
            record.set(to, value);
        }
    }

    private static Instant observedAt(JsonNode timestamp, Clock clock) {
        if (timestamp == null || timestamp.isNull()) {
            return clock.instant();
        }
        if (timestamp.isNumber()) {
            BigDecimal seconds = timestamp.decimalValue();
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(253_402_300_799L)) > 0) {
                throw new InvalidRecordException("'timestamp' is out of range.");
            }
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        if (timestamp.isTextual()) {
            String text = timestamp.textValue();
            try {
                return Timestamps.parse(text);
            } catch (DateTimeParseException e) {
                try {
                    return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException ignored) {
                    // fall through to the problem below
                }
            }
        }
        throw new InvalidRecordException("'timestamp' must be an ISO-8601 date-time or epoch seconds.");
    }

    private void all(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try (OutputStream out = res.outputStream()) {
            out.write('[');
            boolean[] first = {true};
            repository.forEach(json -> {
                try {
                    if (!first[0]) {
                        out.write(',');
                    }
                    first[0] = false;
                    out.write(json.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.write(']');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
