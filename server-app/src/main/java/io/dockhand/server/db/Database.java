package io.dockhand.server.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import io.dockhand.server.StoreSettings;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The store's connection pool, opened on a database whose schema Flyway has brought to the latest version
 * ({@code db/migration}). Replicas sharing one database migrate it safely: Flyway takes a lock first.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Database.class.getName());
    /** H2's {@code LOCK_TIMEOUT_1}: a lock another session holds was not released in time. */
    private static final int H2_LOCK_TIMEOUT = 50200;
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool and migrates the schema. */
    public static Database open(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("dockhand-store");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setAutoCommit(true);
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            migrate(pool, settings.startWindow());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool);
    }

    /**
     * Brings the schema up to date, retrying while the database does not answer yet: a replica that starts while
     * the shared H2 file changes hands (its serving process just died) waits for the new owner instead of exiting.
     * Waiting for another replica that holds the migration lock is not "not answering": it does not count against
     * the window, however long that replica takes. A replica that gave up there would exit, and if it was the one
     * serving the shared H2 file, the migrating replica's session would break halfway through a script whose DDL
     * H2 has already committed; the next attempt then fails for good ({@code Duplicate column name}). Three
     * replicas starting together on slow machines did exactly that (the Vagrant acceptance run under emulation).
     */
    private static void migrate(HikariDataSource pool, Duration window) {
        Flyway flyway = Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                .lockRetryCount(-1) // PostgreSQL: wait for the advisory lock as long as its holder migrates
                .load();
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            try {
                flyway.migrate();
                return;
            } catch (FlywayException e) {
                if (lockedByAnother(e)) {
                    LOGGER.log(System.Logger.Level.INFO, "Another replica is migrating the schema; waiting for it");
                    deadline = System.nanoTime() + window.toNanos(); // the database answers
                } else if (System.nanoTime() > deadline) {
                    throw e;
                } else {
                    LOGGER.log(System.Logger.Level.WARNING, "Database not ready, retrying: " + e.getMessage());
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Whether a migration failed only because another process held the schema history's lock past H2's timeout. */
    static boolean lockedByAnother(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_LOCK_TIMEOUT) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database answers now; broken pooled connections are dropped first if it does not. */
    public boolean isAvailable() {
        if (ping()) {
            return true;
        }
        evictAll(pool);
        return ping();
    }

    private boolean ping() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Drops every pooled connection (in use ones when they are returned): the database behind them went away. */
    static void evictAll(DataSource dataSource) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                var mxBean = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
                if (mxBean != null) {
                    mxBean.softEvictConnections();
                }
            }
        } catch (SQLException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "Not a Hikari pool", e);
        }
    }

    /** The pooled data source. */
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
