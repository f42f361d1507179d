package io.dockhand.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.dockhand.api.Paths;
import io.dockhand.server.db.AutoServerBind;
import io.dockhand.server.db.Database;
import io.dockhand.server.db.StoreUnavailableException;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.blobs.BlobStore;
import io.dockhand.server.nodes.NodeRepository;
import io.dockhand.server.deployments.DeploymentRepository;
import io.dockhand.server.deployments.DeploymentsService;
import io.dockhand.server.deployments.GitDeploySources;
import io.dockhand.server.dashboard.DashboardService;
import io.dockhand.server.events.ChangeFeed;
import io.dockhand.server.events.EventsService;
import io.dockhand.server.jobs.FacadeQueues;
import io.dockhand.server.jobs.JobRepository;
import io.dockhand.server.jobs.JobsService;
import io.dockhand.server.jobs.QueueFacade;
import io.dockhand.server.nodes.NodesService;
import io.dockhand.server.runs.Auth;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.server.runs.RunsService;
import io.dockhand.server.runs.Signals;
import io.dockhand.server.runs.Sweeper;
import io.dockhand.server.records.AmbiguousIdException;
import io.dockhand.server.records.IdempotencyConflictException;
import io.dockhand.server.records.InvalidRecordException;
import io.dockhand.server.records.JdbcRecordRepository;
import io.dockhand.server.records.LegacyService;
import io.dockhand.server.records.RecordNotFoundException;
import io.dockhand.server.records.RecordRepository;
import io.dockhand.server.records.RecordsService;
import io.dockhand.server.records.SeriesService;
import io.dockhand.web.ClusterToken;
import io.dockhand.web.Problems.Mapping;
import io.dockhand.web.WebApp;

import io.helidon.config.Config;

/**
 * A running store: database, repositories and web server together, so {@link Main} and tests (this module's and
 * other modules') start the very same thing. Each resource adds its routes and maps its domain failures to
 * problems here, once.
 */
public final class StoreServer implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(StoreServer.class.getName());
    private final Database database;
    private final WebApp web;
    private final ScheduledExecutorService housekeeping;
    private final Signals signals;
    private final ChangeFeed feed;

    private StoreServer(Database database, WebApp web, ScheduledExecutorService housekeeping, Signals signals,
                        ChangeFeed feed) {
        this.database = database;
        this.feed = feed;
        this.web = web;
        this.housekeeping = housekeeping;
        this.signals = signals;
    }

    /** Opens the database named by {@code store} config and serves on {@code server} config. */
    public static StoreServer start(Config config) {
        StoreSettings settings = StoreSettings.create(config.get("store"));
        StoreSettings.Work work = StoreSettings.work(config.get("store"));
        if (settings.url().contains("AUTO_SERVER=TRUE")) {
            AutoServerBind.apply(config.get("store"), config.get("server"));
        }
        Database database = Database.open(settings);
        ChangeFeed feed = null;
        try {
            Clock clock = Clock.systemUTC();
            RecordRepository records = new JdbcRecordRepository(database.dataSource(), clock, settings.retryWindow());
            WebApp.Builder web = WebApp.builder("dockhand-server")
                    .config(config.get("server"))
                    .version(Paths.SERVER_VERSION, StoreServer.class, "server-app")
                    .readiness("database", database::isAvailable)
                    .problem(Mapping.of(InvalidRecordException.class, 422, "invalid-record", "Invalid record"))
                    .problem(Mapping.of(RecordNotFoundException.class, 404, "record-not-found", "Record not found"))
                    .problem(Mapping.of(IdempotencyConflictException.class, 409, "idempotency-conflict",
                                        "Idempotency key reused"))
                    .problem(Mapping.of(AmbiguousIdException.class, 400, "ambiguous-id", "Bad request")
                                     .slug(e -> "ambiguous-" + e.what() + "-id"))
                    .problem(Mapping.of(StoreUnavailableException.class, 503, "store-unavailable",
                                        "Store unavailable").retryAfter(1));
            ClusterToken token = ClusterToken.of(config.get("store.token").asString().orElse(null),
                                                 config.get("store.tokenfile").asString().orElse(null));
            RecordsService recordsService = new RecordsService(records, settings.maxBodyBytes(), clock, web.meters(),
                                                               token);
            web.register(recordsService)
                    .register(new LegacyService(recordsService, records, settings.maxBodyBytes(), clock));
            Transactions transactions = new Transactions(database.dataSource(), clock, settings.retryWindow());
            RunRepository runs = new RunRepository(transactions, clock);
            NodeRepository nodes = new NodeRepository(transactions, clock, work.downAfter());
            BlobStore blobs = new BlobStore(transactions, clock);
            Signals signals = new Signals();
            Auth auth = new Auth(token);
            FacadeQueues queues = new FacadeQueues(transactions, clock);
            JobRepository jobs = new JobRepository(transactions, clock, queues);
            runs.workSource(jobs);
            runs.onEnd(jobs);
            DeploymentRepository deployments = new DeploymentRepository(transactions, clock,
                    StoreSettings.deployments(config.get("store")), runs, nodes);
            runs.onChange(deployments);
            feed = new ChangeFeed(transactions, clock, work.downAfter(), Duration.ofMillis(
                    config.get("store.events.pollmillis").asLong().orElse(1000L)), Duration.ofSeconds(5));
            RunsService runsService = new RunsService(runs, nodes, blobs, work, auth, signals);
            web.register(new NodesService(nodes, runs, transactions, work.lease(), auth))
                    .register(runsService)
                    .register(new JobsService(jobs, runs, auth, signals))
                    .register(new QueueFacade(queues, jobs, auth, signals))
                    .register(new DeploymentsService(deployments, new GitDeploySources(), nodes, runsService, auth,
                                                     signals))
                    .register(new SeriesService(transactions, clock))
                    .register(new EventsService(feed, web.meters()))
                    .register(new DashboardService())
                    // the listener's limit must let a context of the largest size through; routes check their own
                    .minPayloadSize(work.maxContextBytes() + 1024 * 1024);
            WebApp server = web.feature(io.helidon.openapi.OpenApiFeature.create(config.get("openapi")), "/openapi")
                    .start();
            ScheduledExecutorService housekeeping = Executors.newScheduledThreadPool(2,
                    Thread.ofVirtual().name("dockhand-housekeeping").factory());
            housekeeping.scheduleWithFixedDelay(() -> forgetKeys(records, settings), 1, 10, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(() -> deleteUnusedContexts(blobs, work), 1, 10, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(new Sweeper(runs, nodes, signals, work.lease()), 1000, 1000,
                                                TimeUnit.MILLISECONDS);
            return new StoreServer(database, server, housekeeping, signals, feed);
        } catch (RuntimeException e) {
            if (feed != null) {
                feed.close();
            }
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

    private static void deleteUnusedContexts(BlobStore blobs, StoreSettings.Work work) {
        try {
            int deleted = blobs.deleteUnused(work.contextRetention());
            if (deleted > 0) {
                LOGGER.log(System.Logger.Level.INFO, "Deleted " + deleted + " build contexts unused for "
                        + work.contextRetention());
            }
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "Could not delete unused build contexts; trying again later", e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return web.port();
    }

    /** Every route this server serves (its resources' and the built-in ones). */
    public java.util.List<io.dockhand.web.Routes.Route> routes() {
        return web.routes();
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        signals.close();
        feed.close();
        web.close();
        database.close();
    }
}
