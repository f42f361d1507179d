package io.dockhand.server.runs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.dockhand.api.Node;
import io.dockhand.api.RunState;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.nodes.NodeRepository;

/**
 * What every replica does about once a second, with conditional updates so replicas sweeping together change each
 * run once: a run whose lease expired ends {@code lost} (or {@code cancelled}, when a user had asked to cancel it;
 * or goes back to {@code queued} while it has attempts left), and an unpinned queued run whose node is down moves
 * to a live node. A plain run whose claim was never taken up (still {@code assigned}: no build, no container) goes
 * back to {@code queued} without using up an attempt, at most {@link #UNTAKEN_REQUEUES} times: a claim can be
 * handed to an agent that was killed while its claim waited for work, and no agent ever saw it.
 */
public final class Sweeper implements Runnable {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());
    /** How many times a plain run's claim that no agent took up is queued again without counting as an attempt. */
    static final int UNTAKEN_REQUEUES = 2;
    private final RunRepository runs;
    private final NodeRepository nodes;
    private final Transactions transactions;
    private final Signals signals;
    private final Duration lease;
    /** Whether the next sweep first gives every run in progress a fresh lease: at start and after a failed sweep. */
    private volatile boolean refresh = true;
    /** When the last sweep that succeeded started (System.nanoTime). */
    private volatile long lastSuccess;

    public Sweeper(RunRepository runs, NodeRepository nodes, Signals signals, Duration lease) {
        this.runs = runs;
        this.lease = lease;
        this.nodes = nodes;
        this.transactions = runs.transactions();
        this.signals = signals;
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        try {
            // a sweep blocked on an away database counts as failed too: the gap since the last good one says so
            if (refresh || started - lastSuccess > period().plus(lease.dividedBy(2)).toNanos()) {
                // the database may have been away (or this replica down) longer than a lease: agents could not
                // extend theirs meanwhile, so give them a lease's time to do it before expiring any
                int refreshed = refreshLeases();
                refresh = false;
                if (refreshed > 0) {
                    LOG.log(System.Logger.Level.INFO, "Gave " + refreshed + " runs in progress a fresh lease after"
                            + " a start or a failed sweep");
                }
            }
            int changed = expireLeases() + moveFromDownNodes();
            lastSuccess = started;
            if (changed > 0) {
                signals.workQueued();
                signals.logStored();
                signals.resultStored();
            }
        } catch (RuntimeException e) {
            refresh = true;
            LOG.log(System.Logger.Level.WARNING, "Sweeping runs failed; trying again in a second", e);
        }
    }

    /** Extends every lease in progress that ends sooner than a lease from now to a lease from now. */
    public int refreshLeases() {
        return transactions.run(c -> {
            // the time is read once the database answers: getting a connection may have waited out the outage
            long until = runs.now() + lease.toNanos() / 1000;
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET lease_until_us = ? WHERE state IN "
                    + RunRepository.IN_PROGRESS + " AND lease_until_us < ?")) {
                update.setLong(1, until);
                update.setLong(2, until);
                return update.executeUpdate();
            }
        });
    }

    private record Expired(UUID id, String state, String node, int attempt, int maxAttempts, boolean cancel,
                           long leaseUntil, boolean plain) {

        /** A plain run (not a job's task, not a deployment's) claimed by an agent that never reported on it. */
        boolean untaken() {
            return plain && state.equals("assigned") && !cancel && attempt <= UNTAKEN_REQUEUES;
        }
    }

    /** Settles runs whose lease expired; answers how many changed. */
    public int expireLeases() {
        long now = runs.now();
        List<Expired> expired = transactions.run(c -> {
            List<Expired> found = new ArrayList<>();
            try (PreparedStatement find = c.prepareStatement("SELECT id, state, node, attempt, max_attempts,"
                    + " cancel_requested, lease_until_us, task_seq IS NULL AND deploy_spec IS NULL FROM runs"
                    + " WHERE state IN " + RunRepository.IN_PROGRESS
                    + " AND lease_until_us < ?")) {
                find.setLong(1, now);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Expired(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                              rs.getInt(4), rs.getInt(5), rs.getBoolean(6), rs.getLong(7),
                                              rs.getBoolean(8)));
                    }
                }
            }
            return found;
        });
        int changed = 0;
        for (Expired run : expired) {
            String at = RunRepository.instant(run.leaseUntil()).toString();
            RunState to;
            String reason;
            if (run.cancel()) {
                to = RunState.CANCELLED;
                reason = "cancelled by a user; the agent on node " + run.node() + " did not confirm it stopped the"
                        + " run before its lease expired at " + at;
            } else if (run.untaken()) {
                to = RunState.QUEUED;
                reason = "the agent on node " + run.node() + " never took up its claim (it may have stopped while"
                        + " waiting for work); lease expired at " + at + "; queued again, not counted as an attempt";
            } else if (run.attempt() < run.maxAttempts()) {
                to = RunState.QUEUED;
                reason = "the agent on node " + run.node() + " stopped answering; lease expired at " + at
                        + "; queued again";
            } else {
                to = RunState.LOST;
                reason = "the agent on node " + run.node() + " stopped answering; lease expired at " + at;
            }
            boolean done = transactions.run(c -> {
                String sql = to == RunState.QUEUED
                        // a manager's run goes back to every manager, not to the node that went silent
                        ? "UPDATE runs SET state = 'queued', lease_until_us = NULL, reason = ?, node = CASE WHEN"
                          + " needs_manager THEN '' ELSE node END"
                          + (run.untaken() ? ", max_attempts = max_attempts + 1" : "")
                          + " WHERE id = ? AND state = ? AND lease_until_us = ?"
                        : "UPDATE runs SET state = ?, lease_until_us = NULL, reason = ?, finished_us = ? WHERE id = ?"
                          + " AND state = ? AND lease_until_us = ?";
                try (PreparedStatement update = c.prepareStatement(sql)) {
                    int i = 1;
                    if (to != RunState.QUEUED) {
                        update.setString(i++, to.wire());
                    }
                    update.setString(i++, reason);
                    if (to != RunState.QUEUED) {
                        update.setLong(i++, now);
                    }
                    update.setObject(i++, run.id());
                    update.setString(i++, run.state());
                    update.setLong(i, run.leaseUntil());
                    if (update.executeUpdate() == 0) {
                        return false;
                    }
                }
                RunRepository.event(c, run.id(), run.attempt(), run.node(), to, true, reason, null, now);
                if (to != RunState.QUEUED) {
                    runs.ended(c, run.id());
                }
                return true;
            });
            changed += done ? 1 : 0;
        }
        return changed;
    }

    private record Queued(UUID id, double cpus, long memoryBytes, boolean manager) {
    }

    /** Moves unpinned queued runs off nodes that are down; answers how many moved. */
    public int moveFromDownNodes() {
        List<String> down = nodes.down();
        if (down.isEmpty()) {
            return 0;
        }
        int moved = 0;
        for (String from : down) {
            List<Queued> queued = transactions.run(c -> {
                List<Queued> ids = new ArrayList<>();
                try (PreparedStatement find = c.prepareStatement("SELECT id, cpus, memory_bytes, needs_manager FROM runs WHERE"
                        + " state = 'queued' AND node = ? AND pinned = FALSE ORDER BY state, created_us"
                        + " FETCH FIRST 100 ROWS ONLY")) {
                    find.setString(1, from);
                    try (ResultSet rs = find.executeQuery()) {
                        while (rs.next()) {
                            ids.add(new Queued(rs.getObject(1, UUID.class), rs.getDouble(2), rs.getLong(3),
                                               rs.getBoolean(4)));
                        }
                    }
                }
                return ids;
            });
            for (Queued run : queued) {
                UUID id = run.id();
                // only to a live node the run fits; none fits: it waits for its node or for one that does
                Optional<Node> to = run.manager() ? nodes.leastBusyManager()
                        : nodes.leastBusy(run.cpus(), run.memoryBytes());
                if (to.isEmpty()) {
                    continue;
                }
                long now = runs.now();
                boolean done = transactions.run(c -> {
                    try (PreparedStatement move = c.prepareStatement("UPDATE runs SET node = ? WHERE id = ? AND"
                            + " state = 'queued' AND node = ?")) {
                        move.setString(1, to.get().id());
                        move.setObject(2, id);
                        move.setString(3, from);
                        if (move.executeUpdate() == 0) {
                            return false;
                        }
                    }
                    RunRepository.event(c, id, 0, to.get().id(), RunState.QUEUED, true, "moved from node " + from
                            + ", which is down, to node " + to.get().id(), null, now);
                    return true;
                });
                moved += done ? 1 : 0;
            }
        }
        return moved;
    }

    static Duration period() {
        return Duration.ofSeconds(1);
    }
}
