package io.dockhand.agent;

import java.time.Duration;
import java.util.Optional;

import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.DockerEngine;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.InvalidContainerReferenceException;
import io.dockhand.agent.watch.EngineWatch;
import io.dockhand.api.Paths;
import io.dockhand.web.Problems.Mapping;
import io.dockhand.web.WebApp;

import io.helidon.config.Config;

/**
 * A running agent: engine connection, engine watch and web server together, so {@link Main} and the tests start
 * the very same thing.
 */
public final class AgentServer implements AutoCloseable {

    private final Engine engine;
    private final EngineWatch watch;
    private final WebApp web;

    private AgentServer(Engine engine, EngineWatch watch, WebApp web) {
        this.engine = engine;
        this.watch = watch;
        this.web = web;
    }

    /** Connects to the engine named by the {@code docker} and {@code agent} config and serves on {@code server}. */
    public static AgentServer start(Config config) {
        AgentSettings settings = AgentSettings.create(config);
        return start(config, DockerEngine.connect(settings.dockerHost(), settings.engineTimeout()));
    }

    /** Serves on {@code server} config with this engine, which the server closes when it closes. */
    public static AgentServer start(Config config, Engine engine) {
        AgentSettings settings = AgentSettings.create(config);
        EngineWatch watch = new EngineWatch(engine, settings.refreshInterval());
        try {
            watch.start();
            WebApp web = web(config.get("server"), engine, watch, settings).start();
            return new AgentServer(engine, watch, web);
        } catch (RuntimeException e) {
            watch.close();
            engine.close();
            throw e;
        }
    }

    /** The agent's web server: its routes and how its failures become problems. */
    static WebApp.Builder web(Config server, Engine engine, EngineWatch watch, AgentSettings settings) {
        Callers callers = new Callers(engine, watch, settings.token());
        return WebApp.builder("dockhand-agent")
                .config(server)
                .version(Paths.AGENT_VERSION, AgentServer.class, "info-agent")
                .readiness("engine", watch::healthy)
                .problem(Mapping.of(ContainerNotFoundException.class, 404, "container-not-found",
                                    "Container not found"))
                .problem(Mapping.of(InvalidContainerReferenceException.class, 400, "invalid-container-reference",
                                    "Invalid container id or name"))
                .problem(Mapping.of(EngineUnavailableException.class, 503, "engine-unavailable",
                                    "Docker Engine unavailable").retryAfter(1)
                                 .detail(e -> "The node's Docker Engine did not answer in time; try again shortly."))
                .problem(Mapping.of(StoreClient.StoreUnreachableException.class, 502, "store-unreachable",
                                    "Store unreachable").retryAfter(1))
                .register(new SelfService(engine, watch, callers))
                .register(new ReportService(callers, watch, Optional.ofNullable(settings.store())
                        .map(store -> new StoreClient(store, settings.token(), Duration.ofSeconds(10)))))
                .register(new NodeService(engine, callers));
    }

    /** The port the agent listens on. */
    public int port() {
        return web.port();
    }

    /** Every route this server serves (its resources' and the built-in ones). */
    public java.util.List<io.dockhand.web.Routes.Route> routes() {
        return web.routes();
    }

    @Override
    public void close() {
        web.close();
        watch.close();
        engine.close();
    }
}
