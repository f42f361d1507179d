package io.dockhand.agent;

import io.dockhand.agent.engine.Engine;
import io.dockhand.api.Paths;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The node's facts, {@code GET /v1/node}, for the containers on it and for operators; read live from the engine. */
final class NodeService implements Routes.Resource {

    private final Engine engine;
    private final Callers callers;

    NodeService(Engine engine, Callers callers) {
        this.engine = engine;
        this.callers = callers;
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.AGENT_NODE, this::node);
    }

    private void node(ServerRequest req, ServerResponse res) {
        if (!callers.isOperator(req) && !callers.isOnNode(req)) {
            throw ProblemException.forbidden("Only containers on this node (or an operator) may ask about it.");
        }
        res.send(engine.node());
    }
}
