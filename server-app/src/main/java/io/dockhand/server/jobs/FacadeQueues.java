package io.dockhand.server.jobs;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.dockhand.api.TaskResult;
import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.runs.RunRepository;

/**
 * The seed's plain queues behind the {@code /rabbit} facade: durable (rows), first in first out, and a message is
 * deleted when it is taken, as the original facade acknowledged on delivery. A conditional delete hands each message
 * to one taker even when replicas take at once.
 */
public final class FacadeQueues {
    private final Transactions transactions;
    private final Clock clock;

    public FacadeQueues(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Creates the queue; false when it existed. */
    boolean create(String queue) {
        return transactions.run(c -> create(c, queue));
    }

    private boolean create(Connection c, String queue) throws SQLException {
        if (exists(c, queue)) {
            return false;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queues (name, created_us) VALUES (?, ?)")) {
            insert.setString(1, queue);
            insert.setLong(2, Micros.of(clock.instant()));
            insert.executeUpdate(); // a concurrent creator: duplicate key, and the transaction runs again
        }
        return true;
    }

    boolean exists(String queue) {
        return transactions.run(c -> exists(c, queue));
    }

    private static boolean exists(Connection c, String queue) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT 1 FROM queues WHERE name = ?")) {
            read.setString(1, queue);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Puts a message on the queue; false when the queue does not exist (and {@code create} is false). */
    boolean put(String queue, byte[] message) {
        return transactions.run(c -> put(c, queue, message, false));
    }

    /** Puts a message on the queue in the caller's transaction, creating the queue if {@code create}. */
    boolean put(Connection c, String queue, byte[] message, boolean create) throws SQLException {
        if (create) {
            create(c, queue);
        } else if (!exists(c, queue)) {
            return false;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue_messages (queue, body, created_us)"
                + " VALUES (?, ?, ?)")) {
            insert.setString(1, queue);
            insert.setBytes(2, message);
            insert.setLong(3, Micros.of(clock.instant()));
            insert.executeUpdate();
        }
        return true;
    }

    /** What {@link #take} found: no such queue, an empty one, or a message. */
    record Taken(boolean exists, byte[] message) {
    }

    /** Takes (removes) the oldest message of the queue. */
    Taken take(String queue) {
        return transactions.run(c -> {
            if (!exists(c, queue)) {
                return new Taken(false, null);
            }
            for (int tries = 0; tries < 8; tries++) {
                long seq;
                byte[] body;
                try (PreparedStatement read = c.prepareStatement("SELECT seq, body FROM queue_messages WHERE"
                        + " queue = ? ORDER BY queue, seq FETCH FIRST 1 ROWS ONLY")) {
                    read.setString(1, queue);
                    try (ResultSet rs = read.executeQuery()) {
                        if (!rs.next()) {
                            return new Taken(true, null);
                        }
                        seq = rs.getLong(1);
                        body = rs.getBytes(2);
                    }
                }
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM queue_messages WHERE seq = ?")) {
                    delete.setLong(1, seq);
                    if (delete.executeUpdate() == 1) {
                        return new Taken(true, body);
                    }
                }
            }
            return new Taken(true, null);
        });
    }

    /** A result as the facade's readers of a Done queue get it: ours, with the seed's field names beside. */
    static byte[] doneMessage(TaskResult result) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id_projet", result.project());
        message.put("id_tache", result.taskId());
        message.put("project", result.project());
        message.put("taskId", result.taskId());
        message.put("state", result.state());
        message.put("exitCode", result.exitCode());
        message.put("stdout", result.stdout());
        message.put("stderr", result.stderr());
        message.put("reason", result.reason());
        message.put("node", result.node());
        message.put("attempt", result.attempt());
        message.put("finishedAt", result.finishedAt());
        message.put("attempts", result.attempts());
        return RunRepository.json(message).getBytes(StandardCharsets.UTF_8);
    }
}
