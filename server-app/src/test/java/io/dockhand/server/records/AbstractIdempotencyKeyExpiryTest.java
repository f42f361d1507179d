package io.dockhand.server.records;

import io.dockhand.server.StoreSettings;
import io.dockhand.server.db.Database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Idempotency keys are remembered for their lifetime, then forgotten, so the table does not grow forever. */
class IdempotencyKeyExpiryTest {
    private Path dir;
    private Database database;
    private JdbcRecordRepository repository;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("dockhand-keys");
        database = Database.open(new StoreSettings("jdbc:h2:file:" + dir.resolve("keys") + ";WRITE_DELAY=0", "sa", "",
                                                   2, 65536, Duration.ofSeconds(1), Duration.ofSeconds(1),
                                                   Duration.ofHours(24)));
        repository = new JdbcRecordRepository(database.dataSource(), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    @AfterEach
    void close() throws Exception {
        database.close();
        io.dockhand.server.StoreServerExtension.deleteTree(dir);
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
        String id = io.dockhand.server.Records.containerId();
        return RecordValidator.validate((com.fasterxml.jackson.databind.node.ObjectNode)
                io.dockhand.web.Json.MAPPER.readTree(io.dockhand.server.Records.json(id, Instant.now())),
                Clock.systemUTC());
    }
}
