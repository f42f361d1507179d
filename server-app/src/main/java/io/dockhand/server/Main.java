package io.dockhand.server;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

/** Starts the store: {@code java -jar server-app.jar}. */
public final class Main {
    static final String VERSION_PATH = "/api/v1/version";
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

    /** The store's routes; tests reuse them. */
    static void routing(HttpRouting.Builder routing, RecordRepository repository, StoreSettings settings) {
        RecordsService records = new RecordsService(repository, settings.maxBodyBytes());
        Problems.register(routing);
        routing.addFilter(new HttpMetrics())
                .register(records)
                .register(new LegacyService(records, repository, settings.maxBodyBytes(), java.time.Clock.systemUTC()))
                .get(VERSION_PATH, (req, res) -> {
                    res.header("Content-Type", "application/json");
                    res.send(("{\"name\":\"dockhand-server\",\"version\":\"" + version() + "\"}").getBytes(
                            java.nio.charset.StandardCharsets.UTF_8));
                })
                .register(new Fallback());
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
