package io.dockhand.server.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import io.dockhand.server.db.Micros;

/**
 * One write, in one transaction: the record itself, its container's "latest record" pointer (moved only by a newer
 * observation) and its idempotency key. Safe to run again after a lost connection: the record's id is chosen
 * before the first attempt, so an attempt that did commit is found instead of repeated.
 */
final class RecordWrite {
    /**
     * The generated key to return, by name: with {@code RETURN_GENERATED_KEYS} PostgreSQL's driver appends
     * {@code RETURNING *} and sends the whole row, document included, back with every insert.
     */
    private static final String[] SEQ = {"seq"};

    private RecordWrite() {
    }

    static StoreResult run(Connection c, UUID id, NewRecord record, long receivedMicros, String json,
                                  Optional<IdempotencyKey> key) throws SQLException {
        Optional<String> earlier = JdbcRecordRepository.documentById(c, id);
        if (earlier.isPresent()) {
            return new StoreResult(new StoredRecord(id.toString(), earlier.get()), false);
        }
        if (key.isPresent()) {
            Optional<StoreResult> replay = replay(c, key.get());
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        long observedMicros = Micros.of(record.observedAt());
        long seq;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO records (id, container_id, node, image, observed_us, received_us, document) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)", SEQ)) {
            insert.setObject(1, id);
            insert.setString(2, record.containerId());
            insert.setString(3, record.node());
            insert.setString(4, record.image());
            insert.setLong(5, observedMicros);
            insert.setLong(6, receivedMicros);
            insert.setString(7, json);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
        }
        moveLatest(c, record, seq, observedMicros);
        if (key.isPresent()) {
            try (PreparedStatement remember = c.prepareStatement(
                    "INSERT INTO idempotency_keys (idem_key, request_hash, record_id, created_us) VALUES (?, ?, ?, ?)")) {
                remember.setString(1, key.get().key());
                remember.setString(2, key.get().requestHash());
                remember.setObject(3, id);
                remember.setLong(4, receivedMicros);
                remember.executeUpdate();
            }
        }
        return new StoreResult(new StoredRecord(id.toString(), json), false);
    }

    private static Optional<StoreResult> replay(Connection c, IdempotencyKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT k.request_hash, r.id, r.document FROM idempotency_keys k "
                        + "JOIN records r ON r.id = k.record_id WHERE k.idem_key = ?")) {
            select.setString(1, key.key());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getString(1).equals(key.requestHash())) {
                    throw new IdempotencyConflictException(key.key());
                }
                return Optional.of(new StoreResult(new StoredRecord(rs.getString(2), rs.getString(3)), true));
            }
        }
    }

    private static void moveLatest(Connection c, NewRecord record, long seq, long observedMicros) throws SQLException {
        if (moveIfNewer(c, record, seq, observedMicros)) {
            return;
        }
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM containers WHERE container_id = ?")) {
            exists.setString(1, record.containerId());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    // The row may have been committed by a racing first record after the update above took its
                    // snapshot (READ COMMITTED: each statement sees what was committed before it began), so it is
                    // not known to be newer: the conditional update decides again, on the row as it is now.
                    moveIfNewer(c, record, seq, observedMicros);
                    return;
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO containers (container_id, record_seq, observed_us, node, image) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, record.containerId());
            insert.setLong(2, seq);
            insert.setLong(3, observedMicros);
            insert.setString(4, record.node());
            insert.setString(5, record.image());
            insert.executeUpdate();
        }
    }

    /** Points the container's latest at this record if it is newer than the one pointed at: whether it moved. */
    private static boolean moveIfNewer(Connection c, NewRecord record, long seq, long observedMicros)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE containers SET record_seq = ?, observed_us = ?, node = ?, image = ? WHERE container_id = ? "
                        + "AND (observed_us < ? OR (observed_us = ? AND record_seq < ?))")) {
            update.setLong(1, seq);
            update.setLong(2, observedMicros);
            update.setString(3, record.node());
            update.setString(4, record.image());
            update.setString(5, record.containerId());
            update.setLong(6, observedMicros);
            update.setLong(7, observedMicros);
            update.setLong(8, seq);
            return update.executeUpdate() > 0;
        }
    }
}
