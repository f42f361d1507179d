package io.dockhand.server.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

/**
 * Runs JDBC work in a transaction on a pooled connection and, when the database is away for a moment (the replica
 * serving the shared H2 file died and another takes it over, PostgreSQL restarts, a lock timed out, a concurrent
 * request took a unique key first), runs it again on a fresh connection until a retry window closes. A failed
 * attempt is rolled back whole before the next one (PostgreSQL refuses every statement after a failed one in the
 * same transaction), so the work never continues past an error. The work must be safe to repeat;
 * the repository makes writes so by choosing the record's id before the first attempt.
 */
public final class Transactions {
    private static final String DUPLICATE_KEY = "23505";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration retryWindow;

    public Transactions(DataSource dataSource, Clock clock, Duration retryWindow) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.retryWindow = retryWindow;
    }

    /** Work on one connection, inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public <T> T run(Work<T> work) {
        Instant deadline = clock.instant().plus(retryWindow);
        long backoffMillis = 20;
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!isRetryable(e)) {
                    throw new IllegalStateException("Database failure", e);
                }
                if (isConnectionLost(e)) {
                    // Every pooled connection went to the same dead server: drop them all now, or each later
                    // request borrows one more dead connection (Hikari checks a connection only when it was idle).
                    Database.evictAll(dataSource);
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new StoreUnavailableException(e);
                }
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                    sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 200);
                }
            }
        }
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException
                || e instanceof SQLNonTransientConnectionException
                || isConnectionLost(e)
                || state.startsWith("40")       // serialization failure, deadlock (PostgreSQL: 40001, 40P01)
                || state.equals("HYT00")        // H2: lock timeout
                || state.equals("55P03")        // PostgreSQL: lock not available (lock_timeout)
                || state.equals("53300")        // PostgreSQL: too many connections
                || state.equals(DUPLICATE_KEY)  // a concurrent request took the key or the container first
                || e.getErrorCode() == 90098    // H2: database is closed (its server process died)
                || e.getErrorCode() == 90121    // H2: database called at shutdown
                || e.getErrorCode() == 90028    // H2: I/O exception on the shared file
                || e.getErrorCode() == 90067    // H2: connection broken
                || e.getErrorCode() == 90020    // H2: database in use (file lock changing hands)
                || e.getErrorCode() == 90131;   // H2: concurrent update
    }

    static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLNonTransientConnectionException
                || state.startsWith("08")       // connection exceptions
                || state.equals("57P01")        // PostgreSQL: admin shutdown (the server is stopping)
                || state.equals("57P02")        // PostgreSQL: crash shutdown (another backend crashed)
                || state.equals("57P03")        // PostgreSQL: cannot connect now (starting up, recovering)
                || e.getErrorCode() == 90098 || e.getErrorCode() == 90121 || e.getErrorCode() == 90067
                || e.getErrorCode() == 90028;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(e);
        }
    }
}
