package io.dockhand.server.databases;

import java.time.Duration;
import java.util.Map;

import io.dockhand.server.StoreSettings;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An empty database of its own for one test class, removed afterwards: an H2 file in a temporary directory or a
 * database in the run's PostgreSQL cluster.
 */
public interface TestDatabase extends ExtensionContext.Store.CloseableResource {
    /** Which database this is. */
    DatabaseKind kind();

    /** Its JDBC URL. */
    String url();

    /** The user the store connects as. */
    String user();

    /**
     * The store's config for it, keys under {@code store} ({@code dir} for H2 as the stack sets it, {@code url},
     * {@code user} and {@code password} for PostgreSQL); {@code STORE_} plus the key in capitals as environment.
     */
    Map<String, String> storeConfig();

    /** Settings for opening it directly: a pool of 2, a retry window of a second. */
    default StoreSettings settings() {
        return new StoreSettings(url(), user(), "", 2, 65536, Duration.ofSeconds(1), Duration.ofSeconds(1),
                                 Duration.ofHours(24));
    }
}
