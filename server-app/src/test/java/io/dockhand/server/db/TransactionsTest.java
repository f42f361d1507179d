package io.dockhand.server.db;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which failures a transaction is tried again after, by SQLState, as H2 and PostgreSQL report them: the database
 * going away or restarting, a serialization failure or deadlock, a concurrent request taking a unique key first.
 */
class TransactionsTest {
    private final Transactions transactions = new Transactions(inMemoryH2(), Clock.systemUTC(), Duration.ofSeconds(5));

    private static JdbcDataSource inMemoryH2() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:transactions");
        return dataSource;
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "57P01", "57P02", "57P03", "40001", "40P01", "55P03", "23505"})
    void runsTheWorkAgainAfterATransientFailure(String sqlState) {
        AtomicInteger attempts = new AtomicInteger();
        int result = transactions.run(c -> {
            if (attempts.incrementAndGet() == 1) {
                throw new SQLException("failed once", sqlState);
            }
            return 42;
        });

        assertThat(result).isEqualTo(42);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void givesUpAtOnceOnAnErrorThatWouldRepeat() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> transactions.run(c -> {
            attempts.incrementAndGet();
            throw new SQLException("syntax error at or near \"SELEC\"", "42601");
        })).isInstanceOf(IllegalStateException.class).hasRootCauseMessage("syntax error at or near \"SELEC\"");
        assertThat(attempts).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "57P01", "57P03"})
    void takesPostgresShutdownAndStartupForALostConnection(String sqlState) {
        assertThat(Transactions.isConnectionLost(new SQLException("gone", sqlState))).isTrue();
    }
}
