package io.dockhand.server.records;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.dockhand.server.Records;
import io.dockhand.server.databases.TestDatabase;
import io.dockhand.server.db.Database;
import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Idempotency keys are remembered for their lifetime, then forgotten, so the table does not grow forever. */
abstract class AbstractIdempotencyKeyExpiryTest {
    private Database database;
    private JdbcRecordRepository repository;

    @BeforeEach
    void open(TestDatabase testDatabase) {
        database = Database.open(testDatabase.settings());
        repository = new JdbcRecordRepository(database.dataSource(), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void remembersAKeyWithinItsLifetimeAndForgetsItAfter() throws Exception {
        Optional<IdempotencyKey> key = Optional.of(new IdempotencyKey("k-1", "hash-a"));
        repository.store(record(), key);

        assertThat(repository.forgetIdempotencyKeys(Duration.ofHours(1))).isZero();
        Optional<IdempotencyKey> reused = Optional.of(new IdempotencyKey("k-1", "hash-b"));
        assertThatThrownBy(() -> repository.store(record(), reused))
                .isInstanceOf(IdempotencyConflictException.class);

        Thread.sleep(5);
        assertThat(repository.forgetIdempotencyKeys(Duration.ZERO)).isEqualTo(1);
        assertThat(repository.store(record(), reused).replayed()).isFalse();
    }

    private static NewRecord record() throws Exception {
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(Records.json(Records.containerId(), Instant.now()));
        return RecordValidator.validate(json, Clock.systemUTC());
    }
}
