package io.dockhand.server;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.health.HealthCheck;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * A running store: database, repository and web server together, so {@link Main} and tests (this module's and
 * other modules') start the very same thing.
 */
public final class StoreServer implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(StoreServer.class.getName());
    private final Database database;
    private final WebServer webServer;
    private final ScheduledExecutorService housekeeping;

    private StoreServer(Database database, WebServer webServer, ScheduledExecutorService housekeeping) {
        this.database = database;
        this.webServer = webServer;
        this.housekeeping = housekeeping;
    }

    /** Opens the database named by {@code store} config and serves on {@code server} config. */
    public static StoreServer start(Config config) {
        StoreSettings settings = StoreSettings.create(config.get("store"));
        Database database = Database.open(settings);
        try {
            RecordRepository repository = new JdbcRecordRepository(database.dataSource(), Clock.systemUTC(),
                                                                   settings.retryWindow());
            HealthCheck databaseCheck = new HealthCheck() {
                @Override
                public HealthCheckType type() {
                    return HealthCheckType.READINESS;
                }

                @Override
                public String name() {
                    return "database";
                }

                @Override
                public HealthCheckResponse call() {
                    return HealthCheckResponse.builder().status(repository.isAvailable()).build();
                }
            };
            ObserveFeature observe = ObserveFeature.builder()
                    .config(config.get("server.features.observe"))
                    .addObserver(HealthObserver.builder().details(true).addCheck(databaseCheck).build())
                    .addObserver(MetricsObserver.create())
                    .build();
            WebServer webServer = WebServer.builder()
                    .config(config.get("server"))
                    .directHandlers(DirectHandlers.builder()
                            .addHandler(DirectHandler.EventType.BAD_REQUEST, new ProblemDirectHandler())
                            .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, new ProblemDirectHandler())
                            .addHandler(DirectHandler.EventType.INTERNAL_ERROR, new ProblemDirectHandler())
                            .build())
                    .addFeature(observe)
                    .routing(routing -> Main.routing(routing, repository, settings))
                    .build()
                    .start();
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("dockhand-housekeeping").factory());
            housekeeping.scheduleWithFixedDelay(() -> forgetKeys(repository, settings), 1, 10, TimeUnit.MINUTES);
            return new StoreServer(database, webServer, housekeeping);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static void forgetKeys(RecordRepository repository, StoreSettings settings) {
        try {
            int forgotten = repository.forgetIdempotencyKeys(settings.keyLifetime());
            if (forgotten > 0) {
                LOGGER.log(System.Logger.Level.INFO, "Forgot " + forgotten + " idempotency keys older than "
                        + settings.keyLifetime());
            }
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "Could not forget old idempotency keys; trying again later", e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return webServer.port();
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        webServer.stop();
        database.close();
    }
}
