package io.dockhand.agent;

import java.time.Instant;

import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.watch.EngineWatch;
import io.dockhand.api.ContainerFacts;
import io.dockhand.api.Paths;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A container's facts about itself: {@code GET /v1/self}, and the original tool's {@code GET /info/{id}}, which
 * answers only when {@code id} names the caller (unless an operator asks). The container is inspected live; its
 * CPU and memory come from the latest sample the watch keeps, so no answer waits for the engine's sampling.
 */
final class SelfService implements Routes.Resource {

    private final Engine engine;
    private final EngineWatch watch;
    private final Callers callers;

    SelfService(Engine engine, EngineWatch watch, Callers callers) {
        this.engine = engine;
        this.watch = watch;
        this.callers = callers;
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.AGENT_SELF, this::self)
                .get(Paths.AGENT_INFO, this::info);
    }

    private void self(ServerRequest req, ServerResponse res) {
        res.send(facts(callers.self(req)));
    }

    private void info(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (callers.isOperator(req)) {
            res.send(facts(engine.inspect(id)));
            return;
        }
        ContainerInfo self = callers.self(req);
        if (!names(self, id)) {
            throw ProblemException.forbidden("A container may ask only about itself.");
        }
        res.send(facts(self));
    }

    private ContainerFacts facts(ContainerInfo container) {
        return Facts.of(container, watch.node(), watch.usage(container.id()), Instant.now());
    }

    /** Whether {@code id} is the container's full id, a prefix of it, or its name. */
    static boolean names(ContainerInfo container, String id) {
        if (id.isEmpty()) {
            return false;
        }
        String name = id.startsWith("/") ? id.substring(1) : id;
        return container.id().startsWith(id) || container.name().equals(name);
    }
}
