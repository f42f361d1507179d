package io.dockhand.server.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.web.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keeps records in a relational database over JDBC: H2 by default, or PostgreSQL (the SQL is their common subset).
 * Each write is one transaction that stores the record, moves its container's "latest" pointer and remembers its
 * idempotency key. A write that loses its connection (a replica serving the shared H2 file died, PostgreSQL
 * restarted) is retried on a fresh connection; because the record's id is chosen before the first attempt, a retry
 * finds an earlier attempt that did commit and stores nothing twice.
 */
public final class JdbcRecordRepository implements RecordRepository {
    private static final int CHUNK = 500;
    /**
     * A page ends early, with a cursor to the rest, once its records reach this many characters (4 MiB of
     * ASCII), so one request cannot make the store build a page of 1,000 records of 64 KiB each.
     */
    static final long MAX_PAGE_CHARS = 4L * 1024 * 1024;

    private final DataSource dataSource;
    private final Clock clock;
    private final Transactions transactions;

    /**
     * @param dataSource  a pooled data source of a migrated database
     * @param clock       the clock that stamps {@code receivedAt}
     * @param retryWindow how long to keep retrying when the database does not answer
     */
    public JdbcRecordRepository(DataSource dataSource, Clock clock, Duration retryWindow) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.transactions = new Transactions(dataSource, clock, retryWindow);
    }

    @Override
    public StoreResult store(NewRecord record, Optional<IdempotencyKey> key) {
        UUID id = UUID.randomUUID();
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ObjectNode document = record.document().deepCopy();
        document.put("id", id.toString());
        document.put("receivedAt", receivedAt.toString());
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return transactions.run(c -> RecordWrite.run(c, id, record, Micros.of(receivedAt), json, key));
    }

    @Override
    public Optional<StoredRecord> find(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equals(id)) {
                return transactions.run(c -> documentById(c, uuid).map(json -> new StoredRecord(id, json)));
            }
        } catch (IllegalArgumentException e) {
            // not a whole id: perhaps the start of one
        }
        return findByPrefix(id);
    }

    /**
     * The one record whose id starts with {@code prefix} (as the client's table shows ids shortened), read as a
     * range of the id index: empty when none does, a 400 problem when several do.
     */
    private Optional<StoredRecord> findByPrefix(String prefix) {
        String hex = prefix.replace("-", "");
        if (hex.isEmpty() || hex.length() >= 32 || !hex.matches("[0-9a-f]+")
                || !prefix.matches("[0-9a-f]{1,8}(-[0-9a-f]{0,4}){0,3}(-[0-9a-f]{0,12})?")) {
            return Optional.empty();
        }
        UUID low = uuid(hex + "0".repeat(32 - hex.length()));
        UUID high = uuid(hex + "f".repeat(32 - hex.length()));
        List<StoredRecord> matches = transactions.run(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT id, document FROM records WHERE id BETWEEN ? AND ? FETCH FIRST 2 ROWS ONLY")) {
                select.setObject(1, low);
                select.setObject(2, high);
                List<StoredRecord> found = new ArrayList<>(2);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(new StoredRecord(rs.getObject(1, UUID.class).toString(), rs.getString(2)));
                    }
                }
                return found;
            }
        });
        if (matches.size() > 1) {
            throw new AmbiguousIdException("record",
                    "'" + prefix + "' is the start of several records' ids; give more of it.");
        }
        return matches.stream().findFirst();
    }

    private static UUID uuid(String hex32) {
        return new UUID(Long.parseUnsignedLong(hex32.substring(0, 16), 16),
                        Long.parseUnsignedLong(hex32.substring(16), 16));
    }

    static Optional<String> documentById(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT document FROM records WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public Page records(RecordQuery query) {
        return withFullContainerId(query).map(q -> page(q, PageQuery.records(q))).orElseGet(Page::empty);
    }

    @Override
    public Page containers(RecordQuery query) {
        return withFullContainerId(query).map(q -> page(q, PageQuery.containers(q))).orElseGet(Page::empty);
    }

    /**
     * A short container id (a prefix, as {@code docker ps} shows) becomes the one full id it names, as the Docker
     * CLI resolves it; empty when it names none, a 400 problem when it names several. The prefix (lowercase hex,
     * as the service checked) is a range of the primary key, {@code [prefix, prefix + "g")}, not a {@code LIKE}:
     * PostgreSQL reads a {@code LIKE 'abc%'} through a b-tree index only under the C collation, and a database
     * an operator hands us rarely has it; hex strings sort the same way under any collation.
     */
    private Optional<RecordQuery> withFullContainerId(RecordQuery query) {
        Optional<String> prefix = query.containerId().filter(id -> id.length() < 64);
        if (prefix.isEmpty()) {
            return Optional.of(query);
        }
        List<String> matches = transactions.run(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT container_id FROM containers "
                    + "WHERE container_id >= ? AND container_id < ? ORDER BY container_id FETCH FIRST 2 ROWS ONLY")) {
                select.setString(1, prefix.get());
                select.setString(2, prefix.get() + "g");
                List<String> ids = new ArrayList<>(2);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        });
        if (matches.size() > 1) {
            throw new AmbiguousIdException("container", "containerId '" + prefix.get()
                    + "' is the prefix of several containers' ids; give more of it.");
        }
        return matches.stream().findFirst().map(id -> new RecordQuery(query.limit(), query.cursor(), Optional.of(id),
                query.node(), query.image(), query.since(), query.until()));
    }

    private Page page(RecordQuery query, PageQuery sql) {
        return transactions.run(c -> {
            try (PreparedStatement statement = sql.prepare(c)) {
                List<String> items = new ArrayList<>(Math.min(query.limit(), 128));
                Cursor last = null;
                boolean more = false;
                long chars = 0;
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        String document = rs.getString(3);
                        if (items.size() == query.limit()
                                || (!items.isEmpty() && chars + document.length() > MAX_PAGE_CHARS)) {
                            more = true;
                            break;
                        }
                        chars += document.length();
                        last = new Cursor(rs.getLong(2), rs.getLong(1));
                        items.add(document);
                    }
                }
                return new Page(items, more ? Optional.of(last) : Optional.empty());
            }
        });
    }

    @Override
    public void forEach(Consumer<String> sink) {
        long after = Long.MIN_VALUE;
        while (true) {
            long from = after;
            Chunk chunk = transactions.run(c -> {
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT seq, document FROM records WHERE seq > ? ORDER BY seq FETCH FIRST ? ROWS ONLY")) {
                    select.setLong(1, from);
                    select.setInt(2, CHUNK);
                    List<String> documents = new ArrayList<>(CHUNK);
                    long last = from;
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getLong(1);
                            documents.add(rs.getString(2));
                        }
                    }
                    return new Chunk(documents, last);
                }
            });
            chunk.documents().forEach(sink);
            if (chunk.documents().size() < CHUNK) {
                return;
            }
            after = chunk.lastSeq();
        }
    }

    private record Chunk(List<String> documents, long lastSeq) {
    }

    @Override
    public int forgetIdempotencyKeys(Duration maxAge) {
        long before = Micros.of(clock.instant().minus(maxAge));
        return transactions.run(c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM idempotency_keys WHERE created_us < ?")) {
                delete.setLong(1, before);
                return delete.executeUpdate();
            }
        });
    }
}
