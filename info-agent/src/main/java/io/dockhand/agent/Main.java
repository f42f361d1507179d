package io.dockhand.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.watch.EngineWatch;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

/** Starts the info agent: {@code java -jar info-agent.jar}, with the node's Docker socket at hand. */
public final class Main {

    static final String VERSION_PATH = "/v1/version";
    private static final String POM_PROPERTIES = "/META-INF/maven/io.dockhand/info-agent/pom.properties";
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Reads {@code application.yaml} (overridden by environment variables such as {@code SERVER_PORT},
     * {@code DOCKER_HOST} and {@code AGENT_TOKEN}), starts following the engine and starts the web server.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        LOG.log(System.Logger.Level.INFO, "Starting with " + AgentConfig.create(config));
        AgentServer server = AgentServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dockhand-agent-shutdown"));
        LOG.log(System.Logger.Level.INFO, "Dockhand agent listening on port " + server.port());
    }

    /** The agent's routes, as {@link AgentServer} serves them. */
    static void routing(HttpRouting.Builder routing, Engine engine, EngineWatch watch, AgentConfig settings) {
        Callers callers = new Callers(engine, watch, settings.token());
        byte[] version = ("{\"name\":\"dockhand-agent\",\"version\":\"" + version() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Problems.register(routing);
        routing.addFilter(new HttpMetrics())
                .register(new SelfService(engine, watch, callers))
                .register(new NodeService(engine, callers))
                .get(VERSION_PATH, (req, res) -> {
                    res.header("Content-Type", "application/json");
                    res.send(version);
                })
                .register(new Fallback());
    }

    /**
     * The version in the jar: its manifest's, or (when another code source defined the package first, as test
     * classes do) the one Maven records in {@code pom.properties}; "dev" outside a jar.
     */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = Main.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties pom = new Properties();
                pom.load(in);
                return pom.getProperty("version", "dev");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading " + POM_PROPERTIES + " failed", e);
        }
        return "dev";
    }
}
