package io.dockhand.agent;

import java.time.Duration;
import java.util.Optional;

import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.DockerDriver;
import io.dockhand.agent.engine.DockerEngine;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.InvalidContainerReferenceException;
import io.dockhand.agent.executor.TaskDriver;
import io.dockhand.agent.watch.EngineWatch;
import io.dockhand.agent.work.DeploySettings;
import io.dockhand.agent.work.NodeWork;
import io.dockhand.agent.work.WorkSettings;
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
    private final TaskDriver driver;
    private final NodeWork work;

    private AgentServer(Engine engine, EngineWatch watch, WebApp web, TaskDriver driver, NodeWork work) {
        this.engine = engine;
        this.watch = watch;
        this.web = web;
        this.driver = driver;
        this.work = work;
    }

    /** Connects to the engine named by the {@code docker} and {@code agent} config and serves on {@code server}. */
    public static AgentServer start(Config config) {
        AgentSettings settings = AgentSettings.create(config);
        return start(config, DockerEngine.connect(settings.dockerHost(), settings.engineTimeout()));
    }

    /**
     * Serves on {@code server} config with this engine, which the server closes when it closes. With a store
     * ({@code agent.store}) and {@code agent.work} on, the agent also works as its node's executor, through a
     * {@link DockerDriver} on the same engine address.
     */
    public static AgentServer start(Config config, Engine engine) {
        AgentSettings settings = AgentSettings.create(config);
        WorkSettings workSettings = WorkSettings.create(config);
        EngineWatch watch = new EngineWatch(engine, settings.refreshInterval());
        TaskDriver driver = null;
        try {
            watch.start();
            WebApp web = web(config.get("server"), engine, watch, settings).start();
            NodeWork work = null;
            if (settings.store() != null && workSettings.enabled()) {
                Duration timeout = settings.engineTimeout().compareTo(DRIVER_TIMEOUT) > 0
                        ? settings.engineTimeout() : DRIVER_TIMEOUT;
                driver = DockerDriver.connect(settings.dockerHost(), timeout, settings.changeTimeout(),
                                              NodeWork.clusterOf(settings.token()));
                work = NodeWork.start(workSettings, DeploySettings.create(config), settings.store(), settings.token(),
                                      engine, driver, agentVersion(), watch);
            }
            return new AgentServer(engine, watch, web, driver, work);
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            watch.close();
            engine.close();
            throw e;
        }
    }

    /** How long the executor's engine questions may take (image lists and removals take longer than inspections). */
    private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(10);

    private static String agentVersion() {
        String version = AgentServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
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

    /** The node id the agent works as, once it has named its node (empty when it does not work for a store). */
    public Optional<String> workNode() {
        return work == null ? Optional.empty() : work.node();
    }

    @Override
    public void close() {
        if (work != null) {
            work.close();
        }
        web.close();
        watch.close();
        if (driver != null) {
            driver.close();
        }
        engine.close();
    }
}
