package io.dockhand.server;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Maps every failure to an RFC 9457 problem response, once, at the routing level. Unexpected exceptions become a
 * 500 with a generic detail; their trace goes to the log, never to the client.
 */
final class Problems {
    private static final System.Logger LOGGER = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> {
            if (e instanceof StoreUnavailableException) {
                LOGGER.log(Level.WARNING, "Store unavailable for " + req.path().path(), e.getCause());
                res.header(HeaderNames.RETRY_AFTER, "1");
            }
            send(req, res, e.toProblem(req.path().path()));
        });
        routing.error(HttpException.class, (req, res, e) -> send(req, res, Problem.of(
                "http-" + e.status().code(), e.status().reasonPhrase(), e.status().code(), e.getMessage(),
                req.path().path())));
        routing.error(Exception.class, (req, res, e) -> {
            LOGGER.log(Level.ERROR, "Unexpected failure on " + req.prologue().method() + " " + req.path().path(), e);
            send(req, res, Problem.of("internal", "Internal server error", 500,
                                      "The server failed unexpectedly; the failure is in its log.",
                                      req.path().path()));
        });
    }

    static void send(ServerRequest req, ServerResponse res, Problem problem) {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(problem.asMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(body);
    }
}
