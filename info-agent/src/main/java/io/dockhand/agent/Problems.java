package io.dockhand.agent;

import java.lang.System.Logger.Level;

import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.EngineUnavailableException;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Maps every failure to an RFC 9457 problem response, once, at the routing level. Unexpected exceptions become a
 * 500 with a generic detail; their trace goes to the log, never to the caller.
 */
final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> send(req, res, e.toProblem(req.path().path())));
        routing.error(ContainerNotFoundException.class, (req, res, e) -> send(req, res, Problem.of(
                "container-not-found", "Container not found", 404, e.getMessage(), req.path().path())));
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

    static void send(ServerRequest req, ServerResponse res, Problem problem) {
        Json.send(res, problem.status(), Problem.MEDIA_TYPE, problem);
    }
}
