package io.dockhand.agent;

import io.dockhand.agent.engine.DockerEngine;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.watch.EngineWatch;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * A running agent: engine connection, engine watch and web server together, so {@link Main} and the tests start
 * the very same thing.
 */
public final class AgentServer implements AutoCloseable {

    private final Engine engine;
    private final EngineWatch watch;
    private final WebServer webServer;

    private AgentServer(Engine engine, EngineWatch watch, WebServer webServer) {
        this.engine = engine;
        this.watch = watch;
        this.webServer = webServer;
    }

    /** Connects to the engine named by the {@code docker} and {@code agent} config and serves on {@code server}. */
    public static AgentServer start(Config config) {
        AgentConfig settings = AgentConfig.create(config);
        Engine engine = DockerEngine.connect(settings.dockerHost(), settings.engineTimeout());
        EngineWatch watch = new EngineWatch(engine, settings.refreshInterval());
        try {
            watch.start();
            ObserveFeature observe = ObserveFeature.builder()
                    .config(config.get("server.features.observe"))
                    .addObserver(HealthObserver.builder().details(true).addCheck(engineCheck(watch)).build())
                    .addObserver(MetricsObserver.create())
                    .build();
            WebServerConfig.Builder server = WebServer.builder().config(config.get("server"));
            WebServer webServer = server
                    // Requests refused before routing (malformed percent-encoding, request line, headers) are
                    // problems too; include-entity lets Helidon's safe messages (a bad query's) reach the detail.
                    .errorHandling(ErrorHandling.builder().from(server.errorHandling()).includeEntity(true).build())
                    .directHandlers(Problems.directHandlers())
                    .addFeature(observe)
                    .routing(routing -> Main.routing(routing, engine, watch, settings))
                    .build()
                    .start();
            return new AgentServer(engine, watch, webServer);
        } catch (RuntimeException e) {
            watch.close();
            engine.close();
            throw e;
        }
    }

    /** The port the agent listens on. */
    public int port() {
        return webServer.port();
    }

    @Override
    public void close() {
        webServer.stop();
        watch.close();
        engine.close();
    }

    private static HealthCheck engineCheck(EngineWatch watch) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "engine";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(watch.healthy()).build();
            }
        };
    }
}
