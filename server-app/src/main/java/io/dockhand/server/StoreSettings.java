package io.dockhand.server;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.dockhand.api.Durations;
import io.dockhand.api.Sizes;

import io.helidon.config.Config;

/**
 * The store's settings, read once from the {@code store} config node (environment: {@code STORE_URL},
 * {@code STORE_DIR}, {@code STORE_SHARED}, ...).
 *
 * @param url          the JDBC URL: by default an H2 file under {@code dir}; {@code jdbc:postgresql://...} for
 *                     PostgreSQL (then {@code dir} and {@code shared} do not apply)
 * @param user         database user
 * @param password     database password
 * @param poolSize     connection pool size
 * @param maxBodyBytes largest request body accepted
 * @param retryWindow  how long a request keeps retrying while the database does not answer
 * @param startWindow  how long start-up waits for the database to answer before it gives up
 * @param keyLifetime  how long an idempotency key is remembered
 */
public record StoreSettings(String url, String user, String password, int poolSize, int maxBodyBytes,
                            Duration retryWindow, Duration startWindow, Duration keyLifetime) {

    /**
     * Reads the settings. Without {@code url}, the database is {@code <dir>/dockhand} (H2 file) with
     * {@code WRITE_DELAY=0} so each commit reaches the file before it is acknowledged; {@code shared: true} adds
     * {@code AUTO_SERVER=TRUE} so several processes share the one file.
     */
    public static StoreSettings create(Config store) {
        String url = store.get("url").asString().filter(s -> !s.isBlank()).orElseGet(() -> {
            Path dir = Path.of(store.get("dir").asString().orElse("data")).toAbsolutePath();
            boolean shared = store.get("shared").asBoolean().orElse(false);
            return "jdbc:h2:file:" + dir.resolve("dockhand") + ";WRITE_DELAY=0" + (shared ? ";AUTO_SERVER=TRUE" : "");
        });
        return new StoreSettings(url,
                                 store.get("user").asString().orElse("sa"),
                                 store.get("password").asString().orElse(""),
                                 store.get("pool").asInt().orElse(16),
                                 store.get("maxbody").asInt().orElse(64 * 1024),
                                 duration(store, "retrywindow", "retryseconds", ChronoUnit.SECONDS, "20s"),
                                 duration(store, "startwindow", "startseconds", ChronoUnit.SECONDS, "60s"),
                                 duration(store, "keylifetime", "keyhours", ChronoUnit.HOURS, "24h"));
    }

    /**
     * A duration written as {@link Durations} reads it, under {@code key}; the key it replaced (a number of
     * {@code oldUnit}s) is still read when the new one is absent, for one release.
     */
    private static Duration duration(Config store, String key, String oldKey, ChronoUnit oldUnit, String fallback) {
        Optional<String> text = store.get(key).asString().asOptional().filter(s -> !s.isBlank());
        if (text.isEmpty() && store.get(oldKey).exists()) {
            System.getLogger(StoreSettings.class.getName()).log(System.Logger.Level.WARNING, "store." + oldKey
                    + " is deprecated: use store." + key + " with a unit (20s, 24h)");
            return Duration.of(store.get(oldKey).asLong().get(), oldUnit);
        }
        try {
            return Durations.parse(text.orElse(fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store." + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The settings of nodes and runs (issue 11), read from the same {@code store} node.
     *
     * @param downAfter        a node whose agent is silent longer than this is {@code down} ({@code downafter}, 10s)
     * @param lease            how long a run's lease lasts without a heartbeat naming it ({@code runs.lease}, 10s)
     * @param maxContextBytes  the largest build context accepted ({@code runs.maxcontext}, 1g)
     * @param maxLogBytes      the largest log kept per run; later output is dropped ({@code runs.maxlog}, 64m)
     * @param contextRetention a context no unfinished run needs is deleted once unused this long
     *                         ({@code runs.contextretention}, 7d)
     * @param claimPoll        how often a waiting claim asks the database again for work queued on another replica
     *                         ({@code runs.claimpoll}, 200ms; work queued on this replica wakes it at once)
     */
    public record Work(Duration downAfter, Duration lease, long maxContextBytes, long maxLogBytes,
                       Duration contextRetention, Duration claimPoll) {
    }

    /** Reads {@code nodes.downafter}, {@code runs.lease}, {@code runs.maxcontext}, {@code runs.maxlog},
     * {@code runs.contextretention} and {@code runs.claimpoll} under {@code store}. */
    public static Work work(Config store) {
        Duration lease = positive("runs.lease", workDuration(store, "runs.lease", "10s"));
        return new Work(positive("nodes.downafter", workDuration(store, "nodes.downafter", "10s")),
                        lease.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lease,
                        size(store, "runs.maxcontext", "1g"),
                        size(store, "runs.maxlog", "64m"),
                        positive("runs.contextretention", workDuration(store, "runs.contextretention", "7d")),
                        claimPoll(workDuration(store, "runs.claimpoll", "200ms")));
    }

    private static Duration claimPoll(Duration poll) {
        if (poll.compareTo(Duration.ofMillis(10)) < 0 || poll.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("store.runs.claimpoll: from 10ms to 30s, not " + Durations.format(poll));
        }
        return poll;
    }

    /**
     * How deployments are made ({@code store.deployments.*}).
     *
     * @param registry      where every node's engine reaches the registry ({@code registry}, 127.0.0.1:5000)
     * @param publish       how an app's port is published on every node: {@code gateway} (a global gateway
     *                      service in host mode, no IPVS needed; the default) or {@code ingress} (the routing mesh)
     * @param keep          how many images of an app the registry keeps ({@code keep}, 5)
     * @param healthTimeout how long an app's replicas may take to become healthy ({@code healthtimeout}, 120s)
     */
    public record Deployments(String registry, String publish, int keep, Duration healthTimeout) {
    }

    /** Reads {@code deployments.*} under {@code store}. */
    public static Deployments deployments(Config store) {
        String publish = store.get("deployments.publish").asString().orElse("gateway");
        if (!publish.equals("gateway") && !publish.equals("ingress")) {
            throw new IllegalArgumentException("store.deployments.publish: gateway or ingress, not '" + publish + "'");
        }
        int keep = store.get("deployments.keep").asInt().orElse(5);
        if (keep < 1) {
            throw new IllegalArgumentException("store.deployments.keep must be at least 1: " + keep);
        }
        return new Deployments(store.get("deployments.registry").asString().orElse("127.0.0.1:5000"), publish, keep,
                               positive("deployments.healthtimeout",
                                        workDuration(store, "deployments.healthtimeout", "120s")));
    }

    private static Duration workDuration(Config store, String key, String fallback) {
        String text = store.get(key).asString().asOptional().filter(s -> !s.isBlank()).orElse(fallback);
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store." + key + ": " + e.getMessage(), e);
        }
    }

    private static Duration positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("store." + key + " must be longer than 0, not " + value);
        }
        return value;
    }

    private static long size(Config store, String key, String fallback) {
        String text = store.get(key).asString().asOptional().filter(s -> !s.isBlank()).orElse(fallback);
        try {
            long bytes = Sizes.parse(text);
            if (bytes <= 0) {
                throw new IllegalArgumentException("a size larger than 0 (1g, 64m), not '" + text + "'");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store." + key + ": " + e.getMessage(), e);
        }
    }
}
