package io.dockhand.server;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.dockhand.api.Durations;

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
}
