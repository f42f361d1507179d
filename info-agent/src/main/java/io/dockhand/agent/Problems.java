package io.dockhand.agent;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.regex.Pattern;

import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.InvalidContainerReferenceException;

import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.DirectHandler.TransportRequest;
import io.helidon.http.DirectHandler.TransportResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Maps every failure to an RFC 9457 problem response, once, at the routing level. Unexpected exceptions become a
 * 500 with a generic detail; their trace goes to the log, never to the caller. Requests the server refuses before
 * routing (a malformed request line, header or percent-encoding) get problems too, through {@link #directHandlers()}.
 */
final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());
    /** What Helidon passes instead of a message it does not deem safe to show. */
    private static final String HELIDON_GENERIC = "Bad request, see server log for more information";
    private static final Pattern BAD_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final int MAX_DETAIL = 300;

    private Problems() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> send(req, res, e.toProblem(req.path().path())));
        routing.error(ContainerNotFoundException.class, (req, res, e) -> send(req, res, Problem.of(
                "container-not-found", "Container not found", 404, e.getMessage(), req.path().path())));
        routing.error(InvalidContainerReferenceException.class, (req, res, e) -> send(req, res, Problem.of(
                "invalid-container-reference", "Invalid container id or name", 400, e.getMessage(),
                req.path().path())));
        routing.error(EngineUnavailableException.class, (req, res, e) -> {
            LOG.log(Level.WARNING, e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, "1");
            send(req, res, Problem.of("engine-unavailable", "Docker Engine unavailable", 503,
                    "The node's Docker Engine did not answer in time; try again shortly.", req.path().path()));
        });
        routing.error(HttpException.class, (req, res, e) -> send(req, res, Problem.of(
                "http-" + e.status().code(), e.status().reasonPhrase(), e.status().code(), e.getMessage(),
                req.path().path())));
        routing.error(Exception.class, (req, res, e) -> {
            LOG.log(Level.ERROR, "Unexpected failure on " + req.prologue().method() + " " + req.path().path(), e);
            send(req, res, Problem.of("internal", "Internal server error", 500,
                    "The agent failed unexpectedly; the failure is in its log.", req.path().path()));
        });
    }

    /**
     * Problems for the requests Helidon refuses before routing, for every kind of such event; the listener must have
     * {@code error-handling.include-entity} on for a message to reach them (Helidon passes only messages it deems
     * safe, and a generic line otherwise).
     */
    static DirectHandlers directHandlers() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, Problems::direct);
        }
        return handlers.build();
    }

    /** One {@link DirectHandler} answer: the problem as JSON, with the status and connection handling Helidon chose. */
    static TransportResponse direct(TransportRequest request, EventType type, Status status,
                                    ServerResponseHeaders headers, String message) {
        // Helidon passes the raw target: with its query when the path was at fault, without when the query was.
        String target = request.path() == null ? "" : request.path();
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        String instance = path.isEmpty() ? null : path;
        Problem problem = type == EventType.BAD_REQUEST
                ? Problem.of("bad-request", "Bad request", status.code(), badRequestDetail(path, query, message),
                        instance)
                : Problem.of("http-" + status.code(), status.reasonPhrase(), status.code(),
                        "The agent could not process the request (" + status.reasonPhrase() + ").", instance);
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .keepAlive(type.keepAlive())
                .entity(body)
                .build();
    }

    /**
     * Names what is wrong: a malformed percent-encoding in the path or query is recognised here (Helidon does not
     * pass its message on for a path); otherwise the first line of Helidon's message, when it passed one.
     */
    static String badRequestDetail(String path, String query, String message) {
        if (BAD_PERCENT.matcher(path).find()) {
            return "The request path has a malformed percent-encoding: '%' must be followed by two hexadecimal digits.";
        }
        if (BAD_PERCENT.matcher(query).find()) {
            return "The request query has a malformed percent-encoding: '%' must be followed by two hexadecimal"
                    + " digits.";
        }
        String first = message == null ? "" : message.lines().findFirst().orElse("").strip();
        if (first.endsWith(":")) {
            first = first.substring(0, first.length() - 1);
        }
        if (first.isEmpty() || first.equals(HELIDON_GENERIC)) {
            return "The request is malformed and was not processed.";
        }
        if (first.length() > MAX_DETAIL) {
            first = first.substring(0, MAX_DETAIL) + "...";
        }
        return "The request is malformed: " + first + ".";
    }

    static void send(ServerRequest req, ServerResponse res, Problem problem) {
        Json.send(res, problem.status(), Problem.MEDIA_TYPE, problem);
    }
}
