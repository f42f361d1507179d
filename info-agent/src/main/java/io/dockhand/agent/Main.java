package io.dockhand.agent;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Starts the info agent: {@code java -jar info-agent.jar}, with the node's Docker socket at hand. */
public final class Main {

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
        LOG.log(System.Logger.Level.INFO, "Starting with " + AgentSettings.create(config));
        AgentServer server = AgentServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dockhand-agent-shutdown"));
        LOG.log(System.Logger.Level.INFO, "Dockhand agent listening on port " + server.port());
    }
}
