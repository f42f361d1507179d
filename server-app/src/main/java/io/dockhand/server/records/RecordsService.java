package io.dockhand.server.records;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import io.dockhand.api.Paths;
import io.dockhand.web.ClusterToken;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The records API, {@code /api/v1/records} and {@code /api/v1/containers}: store a record, read one, list pages of
 * them, and list the latest record of each container.
 */
public final class RecordsService implements Routes.Resource {
    private static final String JSON = "application/json";

    private final RecordRepository repository;
    private final int maxBodyBytes;
    private final Clock clock;
    private final Counter stored;
    private final ClusterToken token;

    /** The records API over a repository, counting stored records in {@code meters}. */
    public RecordsService(RecordRepository repository, int maxBodyBytes, Clock clock, MeterRegistry meters,
                          ClusterToken token) {
        this.repository = repository;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.stored = Counter.builder("dockhand.records.stored").description("Records stored (replays not counted)")
                .register(meters);
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.RECORDS, this::create)
                .get(Paths.RECORDS, this::list)
                .get(Paths.RECORD, this::one)
                .get(Paths.CONTAINERS, this::containers);
    }

    private void create(ServerRequest req, ServerResponse res) {
        RequestBodies.JsonBody body = RequestBodies.readObject(req, maxBodyBytes);
        NewRecord record = RecordValidator.validate(body.object(), clock);
        created(res, store(vouched(req, record), RequestBodies.idempotencyKey(req, body.bytes())));
    }

    /**
     * The record marked {@code verified}: true when the request carries the cluster token (the node's agent
     * posted what it read from its engine), false when a client reported it on its own.
     */
    NewRecord vouched(ServerRequest req, NewRecord record) {
        record.document().put("verified", token.presentedBy(req));
        return record;
    }

    StoreResult store(NewRecord record, Optional<IdempotencyKey> key) {
        StoreResult result = repository.store(record, key);
        if (!result.replayed()) {
            stored.increment();
        }
        return result;
    }

    static void created(ServerResponse res, StoreResult result) {
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, Paths.RECORDS + "/" + result.record().id());
        if (result.replayed()) {
            res.header("Idempotent-Replayed", "true");
        }
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(result.record().json().getBytes(StandardCharsets.UTF_8));
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        StoredRecord record = repository.find(id).orElseThrow(() -> new RecordNotFoundException(id));
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(record.json().getBytes(StandardCharsets.UTF_8));
    }

    private void list(ServerRequest req, ServerResponse res) {
        sendPage(res, repository.records(query(req.query())));
    }

    private void containers(ServerRequest req, ServerResponse res) {
        sendPage(res, repository.containers(query(req.query())));
    }

    private static void sendPage(ServerResponse res, Page page) {
        StringBuilder json = new StringBuilder(256 + page.items().size() * 512).append("{\"items\":[");
        for (int i = 0; i < page.items().size(); i++) {
            json.append(i == 0 ? "" : ",").append(page.items().get(i));
        }
        json.append("],\"nextCursor\":");
        json.append(page.nextCursor().map(c -> "\"" + c.encode() + "\"").orElse("null")).append('}');
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static RecordQuery query(Parameters params) {
        for (String name : params.names()) {
            if (!java.util.Set.of("limit", "cursor", "containerId", "node", "image", "since", "until").contains(name)) {
                throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter '" + name
                        + "'; use limit, cursor, containerId, node, image, since or until.");
            }
        }
        int limit = RecordQuery.DEFAULT_LIMIT;
        Optional<String> limitText = single(params, "limit");
        if (limitText.isPresent()) {
            try {
                limit = Integer.parseInt(limitText.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > RecordQuery.MAX_LIMIT) {
                throw ProblemException.badRequest("invalid-limit", "limit must be a whole number from 1 to "
                        + RecordQuery.MAX_LIMIT + ", not '" + limitText.get() + "'.");
            }
        }
        Optional<Instant> since = single(params, "since").map(text -> instant("since", text));
        Optional<Instant> until = single(params, "until").map(text -> instant("until", text));
        return new RecordQuery(limit,
                               single(params, "cursor").map(Cursor::decode),
                               single(params, "containerId").map(RecordsService::containerId),
                               single(params, "node"),
                               single(params, "image"),
                               since,
                               until);
    }

    private static Optional<String> single(Parameters params, String name) {
        if (!params.contains(name)) {
            return Optional.empty();
        }
        var values = params.all(name);
        if (values.size() > 1) {
            throw ProblemException.badRequest("repeated-parameter", name + " may be given once.");
        }
        // "?limit" (no '='): Helidon knows the name but holds no value for it
        String value = values.isEmpty() ? "" : values.get(0);
        if (value.isEmpty()) {
            throw ProblemException.badRequest("empty-parameter", name + " must not be empty.");
        }
        return Optional.of(value);
    }

    private static String containerId(String text) {
        if (!text.matches("[0-9a-fA-F]{1,64}")) {
            throw ProblemException.badRequest("invalid-container-id", "containerId must be a container id or the "
                    + "start of one: 1 to 64 hexadecimal characters, not '" + text + "'.");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private static Instant instant(String name, String text) {
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid-" + name, name
                    + " must be an ISO-8601 timestamp such as 2026-11-22T10:15:30Z, not '" + text + "'.");
        }
    }
}
