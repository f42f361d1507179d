package io.dockhand.server;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Starts the store: {@code java -jar server-app.jar}. */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Reads {@code application.yaml} (overridden by environment variables such as {@code SERVER_PORT} and
     * {@code STORE_URL}), opens the database and starts the web server.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        Config.global(config);
        StoreServer server = StoreServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dockhand-shutdown"));
        LOGGER.log(System.Logger.Level.INFO, "Dockhand store listening on port " + server.port());
    }
}
