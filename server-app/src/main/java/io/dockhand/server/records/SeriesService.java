package io.dockhand.server.records;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.dockhand.api.Paths;
import io.dockhand.server.db.Transactions;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * {@code GET /api/v1/containers/{id}/series?since=&until=&points=}: a container's CPU and memory over a time range
 * (default the last 7 days), averaged (and maxed) into at most {@code points} (default 500, at most 2000) equal
 * buckets, read through the records' container index in one pass, so a chart of a week of records costs one
 * response of a few KiB whatever the number of records. Buckets without records are left out. The answer's arrays
 * are columns, as a chart wants them: {@code t} (the bucket's middle, epoch seconds), {@code cpu}, {@code cpuMax},
 * {@code memory}, {@code memoryMax} (null where the records had no such value).
 */
public final class SeriesService implements Routes.Resource {
    private static final Set<String> PARAMETERS = Set.of("since", "until", "points");
    private static final int DEFAULT_POINTS = 500;
    private static final int MAX_POINTS = 2000;
    private static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    private final Transactions transactions;
    private final Clock clock;

    public SeriesService(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The answer: the range, the bucket width, how many records went in, and the columns. */
    public record Series(String containerId, Instant since, Instant until, long bucketSeconds, long records,
                         List<Double> t, List<Double> cpu, List<Double> cpuMax, List<Double> memory,
                         List<Double> memoryMax) {
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.CONTAINER_SERIES, this::series);
    }

    private void series(ServerRequest req, ServerResponse res) {
        for (String name : req.query().names()) {
            if (!PARAMETERS.contains(name)) {
                throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter '" + name
                        + "'; known: since, until, points.");
            }
        }
        String id = req.path().pathParameters().get("id").toLowerCase(java.util.Locale.ROOT);
        if (!id.matches("[0-9a-f]{4,64}")) {
            throw ProblemException.badRequest("invalid-container-id", "The container id must be 4 to 64 hexadecimal"
                    + " characters.");
        }
        Instant until = instant(req, "until").orElse(clock.instant());
        Instant since = instant(req, "since").orElse(until.minus(DEFAULT_RANGE));
        if (!since.isBefore(until)) {
            throw ProblemException.badRequest("invalid-range", "since must be before until.");
        }
        int points = req.query().first("points").asOptional().map(text -> {
            try {
                int value = Integer.parseInt(text);
                if (value >= 1 && value <= MAX_POINTS) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // the problem below
            }
            throw ProblemException.badRequest("invalid-points", "points must be a whole number from 1 to "
                    + MAX_POINTS + ".");
        }).orElse(DEFAULT_POINTS);
        Series series = transactions.run(c -> read(c, id, since, until, points));
        if (series == null) {
            throw new ProblemException(404, "container-not-found", "Container not found", "No container's"
                    + " records have the id '" + id + "'.");
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(Json.MAPPER.writeValueAsBytes(series));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Instant> instant(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(text -> {
            try {
                return Timestamps.parse(text);
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("invalid-" + name, name + " must be an ISO-8601 timestamp such as"
                        + " 2026-11-22T10:15:30Z.");
            }
        });
    }

    private static Series read(Connection c, String id, Instant since, Instant until, int points)
            throws SQLException {
        String full = fullId(c, id);
        if (full == null) {
            return null;
        }
        long from = micros(since);
        long to = micros(until);
        long width = Math.max(1, (to - from + points - 1) / points);
        double[] cpuSum = new double[points];
        double[] cpuMax = new double[points];
        int[] cpuN = new int[points];
        double[] memSum = new double[points];
        double[] memMax = new double[points];
        int[] memN = new int[points];
        long records = 0;
        try (PreparedStatement select = c.prepareStatement("SELECT observed_us, document FROM records"
                + " WHERE container_id = ? AND observed_us >= ? AND observed_us < ?"
                // the container index's own order: the database reads that index's range (ordering by time alone
                // would have it read the time index, every container's records in the range, one by one)
                + " ORDER BY container_id, observed_us DESC, seq DESC")) {
            select.setString(1, full);
            select.setLong(2, from);
            select.setLong(3, to);
            select.setFetchSize(2000);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    records++;
                    int bucket = (int) Math.min(points - 1, (rs.getLong(1) - from) / width);
                    double[] values = values(rs.getString(2));
                    if (!Double.isNaN(values[0])) {
                        cpuSum[bucket] += values[0];
                        cpuMax[bucket] = cpuN[bucket]++ == 0 ? values[0] : Math.max(cpuMax[bucket], values[0]);
                    }
                    if (!Double.isNaN(values[1])) {
                        memSum[bucket] += values[1];
                        memMax[bucket] = memN[bucket]++ == 0 ? values[1] : Math.max(memMax[bucket], values[1]);
                    }
                }
            }
        }
        List<Double> t = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> cpuTop = new ArrayList<>();
        List<Double> memory = new ArrayList<>();
        List<Double> memoryTop = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            if (cpuN[i] == 0 && memN[i] == 0) {
                continue;
            }
            t.add((from + i * width + width / 2) / 1e6);
            cpu.add(cpuN[i] == 0 ? null : cpuSum[i] / cpuN[i]);
            cpuTop.add(cpuN[i] == 0 ? null : cpuMax[i]);
            memory.add(memN[i] == 0 ? null : memSum[i] / memN[i]);
            memoryTop.add(memN[i] == 0 ? null : memMax[i]);
        }
        return new Series(full, since, until, Math.max(1, width / 1_000_000), records, t, cpu, cpuTop, memory,
                          memoryTop);
    }

    /** The stored container id the (full or short) id names; null for none; a 400 problem for several. */
    private static String fullId(Connection c, String id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT container_id FROM containers"
                + " WHERE container_id >= ? AND container_id < ? ORDER BY container_id FETCH FIRST 2 ROWS ONLY")) {
            select.setString(1, id);
            select.setString(2, id + "g");
            List<String> ids = new ArrayList<>(2);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            if (ids.contains(id)) {
                return id;
            }
            if (ids.size() > 1) {
                throw new AmbiguousIdException("container", "The container id '" + id
                        + "' is the prefix of several containers' ids; give more of it.");
            }
            return ids.isEmpty() ? null : ids.get(0);
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    /** {@code cpuPercent} and {@code memoryBytes} of a stored document (NaN where absent), without a tree. */
    static double[] values(String document) {
        double[] values = {Double.NaN, Double.NaN};
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return values;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (token.isNumeric() && "cpuPercent".equals(field)) {
                    values[0] = parser.getDoubleValue();
                } else if (token.isNumeric() && "memoryBytes".equals(field)) {
                    values[1] = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return values;
        }
        return values;
    }
}
