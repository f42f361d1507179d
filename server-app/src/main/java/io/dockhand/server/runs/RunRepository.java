package io.dockhand.server.runs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.dockhand.api.GitSource;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.LogAppend;
import io.dockhand.api.LogEntry;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Run;
import io.dockhand.api.RunDeploy;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskRef;
import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

/**
 * Runs, their events and logs in the database. Every change of a run's state is a conditional {@code UPDATE}
 * whose row count says whether it happened (H2 and PostgreSQL alike), or a read {@code FOR UPDATE} followed by the
 * write in one transaction, so replicas racing for the same run change it once.
 */
public final class RunRepository {
    static final String IN_PROGRESS = "('assigned', 'building', 'running')";
    private static final String COLUMNS = "id, state, node, pinned, context, context_bytes, dockerfile, command, env,"
            + " cpus, memory_bytes, timeout_seconds, attempt, max_attempts, exit_code, reason, image_id,"
            + " cancel_requested, log_bytes, created_us, assigned_us, building_us, running_us, finished_us, seq,"
            + " lease_until_us, log_truncated, git_repo, git_ref, git_commit, lease_seconds, project, task_id,"
            + " deploy_spec";

    private final Transactions transactions;
    private final Clock clock;
    private volatile WorkSource workSource = (c, node, token, now) -> Optional.empty();
    private volatile RunEnds ends = (c, run) -> { };
    private volatile RunEnds changes = (c, run) -> { };

    public RunRepository(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    public Transactions transactions() {
        return transactions;
    }

    /**
     * Where a claim finds work when no run is queued for the claiming node: job tasks (issue 12). It creates the
     * run it hands out, already {@code assigned} to the node with {@code claimToken}, in the claim's transaction.
     */
    @FunctionalInterface
    public interface WorkSource {
        Optional<UUID> claim(Connection c, String node, String claimToken, long nowUs) throws SQLException;
    }

    /** What is told, inside the run's transaction, when a run reaches its final state. */
    @FunctionalInterface
    public interface RunEnds {
        void ended(Connection c, Run run) throws SQLException;
    }

    /** Sets where claims find work beyond the node's own queued runs. */
    public void workSource(WorkSource source) {
        this.workSource = source;
    }

    /** Sets who is told of runs that end. */
    public void onEnd(RunEnds listener) {
        this.ends = listener;
    }

    /** Sets who is told of every state a run reaches (deployments follow their runs' steps). */
    public void onChange(RunEnds listener) {
        this.changes = listener;
    }

    /** Tells the listeners that the run just ended, in the transaction that ended it. */
    void ended(Connection c, UUID id) throws SQLException {
        Run run = find(c, id, false).orElseThrow().run();
        changes.ended(c, run);
        ends.ended(c, run);
    }

    /** Tells the change listener the run's new state (not final), in the transaction that changed it. */
    void changed(Connection c, UUID id) throws SQLException {
        changes.ended(c, find(c, id, false).orElseThrow().run());
    }

    /**
     * A run as stored, with what the API does not show.
     *
     * @param leaseSeconds the run's own lease (a job task's project's), null for the store's
     */
    public record Row(Run run, long seq, Long leaseUntilUs, boolean logTruncated, Long leaseSeconds) {

        /** The lease the run's claims and heartbeats get. */
        public Duration lease(Duration storeLease) {
            return leaseSeconds == null ? storeLease : Duration.ofSeconds(leaseSeconds);
        }
    }

    /** What a new run is. */
    record NewRun(String node, boolean pinned, String context, long contextBytes, String dockerfile,
                  List<String> command, Map<String, String> env, double cpus, long memoryBytes, long timeoutSeconds) {
    }

    long now() {
        return Micros.of(clock.instant());
    }

    Run insert(NewRun spec) {
        UUID id = UUID.randomUUID();
        long now = now();
        transactions.run(c -> {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM runs WHERE id = ?")) {
                exists.setObject(1, id);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return null; // an earlier attempt of this transaction committed
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, state, node, pinned, context,"
                    + " context_bytes, dockerfile, command, env, cpus, memory_bytes, timeout_seconds, attempt,"
                    + " max_attempts, cancel_requested, log_bytes, log_truncated, created_us)"
                    + " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, FALSE, 0, FALSE, ?)")) {
                insert.setObject(1, id);
                insert.setString(2, spec.node());
                insert.setBoolean(3, spec.pinned());
                insert.setString(4, spec.context());
                insert.setLong(5, spec.contextBytes());
                insert.setString(6, spec.dockerfile());
                insert.setString(7, json(spec.command()));
                insert.setString(8, json(spec.env()));
                insert.setDouble(9, spec.cpus());
                insert.setLong(10, spec.memoryBytes());
                insert.setLong(11, spec.timeoutSeconds());
                insert.setLong(12, now);
                insert.executeUpdate();
            }
            event(c, id, 0, spec.node(), RunState.QUEUED, true, "submitted", null, now);
            return null;
        });
        return find(id.toString()).orElseThrow().run();
    }

    Optional<Row> find(String id) {
        Optional<UUID> uuid = uuid(id);
        if (uuid.isEmpty()) {
            return Optional.empty();
        }
        return transactions.run(c -> find(c, uuid.get(), false));
    }

    /**
     * A run by its id or, for people typing it, the start of one (at least 4 characters).
     *
     * @throws ProblemException 400 {@code ambiguous-run-id} when the start fits several runs
     */
    Optional<Row> resolve(String id) {
        if (uuid(id).isPresent()) {
            return find(id);
        }
        String prefix = id.toLowerCase(java.util.Locale.ROOT);
        if (!prefix.matches("[0-9a-f][0-9a-f-]{3,35}")) {
            return Optional.empty();
        }
        List<String> ids = transactions.run(c -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement read = c.prepareStatement("SELECT id FROM runs WHERE CAST(id AS VARCHAR(36))"
                    + " LIKE ? FETCH FIRST 2 ROWS ONLY")) {
                read.setString(1, prefix + "%");
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getObject(1).toString());
                    }
                }
            }
            return found;
        });
        if (ids.size() > 1) {
            throw ProblemException.badRequest("ambiguous-run-id", "'" + id + "' is the start of several runs' ids;"
                    + " give more of it.");
        }
        return ids.isEmpty() ? Optional.empty() : find(ids.get(0));
    }

    public static Optional<Row> find(Connection c, UUID id, boolean lock) throws SQLException {
        try (PreparedStatement find = c.prepareStatement("SELECT " + COLUMNS + " FROM runs WHERE id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            find.setObject(1, id);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public static Optional<UUID> uuid(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equalsIgnoreCase(id) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        Run run = new Run(rs.getObject(1).toString(), RunState.of(rs.getString(2)), rs.getString(3), rs.getBoolean(4),
                rs.getString(5), rs.getLong(6), rs.getString(7), list(rs.getString(8)), map(rs.getString(9)),
                rs.getDouble(10), rs.getLong(11), rs.getLong(12), rs.getInt(13), rs.getInt(14),
                (Integer) nullable(rs, 15, rs.getInt(15)), rs.getString(16), rs.getString(17), rs.getBoolean(18),
                rs.getLong(19), instant(rs, 20), instant(rs, 21), instant(rs, 22), instant(rs, 23), instant(rs, 24),
                rs.getString(28) == null ? null : new GitSource(rs.getString(28), rs.getString(29), rs.getString(30)),
                rs.getString(32) == null ? null : new TaskRef(rs.getString(32), rs.getString(33)),
                rs.getString(34) == null ? null : readDeploy(rs.getString(34)));
        long lease = rs.getLong(26);
        Long leaseUntil = rs.wasNull() ? null : lease;
        long own = rs.getLong(31);
        Long leaseSeconds = rs.wasNull() ? null : own;
        return new Row(run, rs.getLong(25), leaseUntil, rs.getBoolean(27), leaseSeconds);
    }

    private static Object nullable(ResultSet rs, int column, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long us = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
                                                          Math.floorMod(us, 1_000_000L) * 1_000L);
    }

    public static Instant instant(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }

    public static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RunDeploy readDeploy(String json) {
        try {
            return Json.MAPPER.readValue(json, RunDeploy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> list(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> map(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void event(Connection c, UUID run, int attempt, String node, RunState state, boolean accepted,
                      String detail, Long reportedUs, long now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO run_events (run_id, attempt, node, state,"
                + " accepted, detail, reported_us, recorded_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, run);
            insert.setInt(2, attempt);
            insert.setString(3, node);
            insert.setString(4, state.wire());
            insert.setBoolean(5, accepted);
            insert.setString(6, detail == null ? null : Texts.printable(detail, 3900));
            if (reportedUs == null) {
                insert.setNull(7, Types.BIGINT);
            } else {
                insert.setLong(7, reportedUs);
            }
            insert.setLong(8, now);
            insert.executeUpdate();
        }
    }

    // ---- counts per node -------------------------------------------------------------------------------------

    /** Per node: {runs in progress, runs queued}. */
    Map<String, int[]> load() {
        return transactions.run(RunRepository::load);
    }

    public static Map<String, int[]> load(Connection c) throws SQLException {
        Map<String, int[]> load = new HashMap<>();
        try (PreparedStatement count = c.prepareStatement("SELECT node, state, COUNT(*) FROM runs WHERE state IN"
                + " ('queued', 'assigned', 'building', 'running') GROUP BY node, state");
             ResultSet rs = count.executeQuery()) {
            while (rs.next()) {
                int[] counts = load.computeIfAbsent(rs.getString(1), k -> new int[2]);
                counts[rs.getString(2).equals("queued") ? 1 : 0] += rs.getInt(3);
            }
        }
        return load;
    }

    // ---- claim -------------------------------------------------------------------------------------------------

    /**
     * Claims the oldest run queued for the node, if any: a conditional update, so one claimer gets it; else what
     * the {@link WorkSource} hands out (a job task's attempt).
     */
    public Optional<Row> claim(String node, Duration lease) {
        return claim(node, lease, false);
    }

    /**
     * Claims as {@link #claim(String, Duration)} does; with {@code managedOnly}, only a run a swarm manager's agent
     * carries out (a deployment's service): an agent whose slots are all busy still takes those.
     */
    public Optional<Row> claim(String node, Duration lease, boolean managedOnly) {
        // chosen once: a retry of the transaction after a lost commit acknowledgement finds what it claimed
        String token = UUID.randomUUID().toString();
        return transactions.run(c -> {
            try (PreparedStatement mine = c.prepareStatement("SELECT id FROM runs WHERE claim_token = ?")) {
                mine.setString(1, token);
                try (ResultSet rs = mine.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(find(c, rs.getObject(1, UUID.class), false).orElseThrow());
                    }
                }
            }
            if (managedOnly) {
                return claimManaged(c, node, lease, token, now());
            }
            List<UUID> queued = new ArrayList<>();
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM runs WHERE state = 'queued' AND node = ?"
                    + " ORDER BY state, created_us, seq FETCH FIRST 8 ROWS ONLY")) {
                find.setString(1, node);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        queued.add((UUID) rs.getObject(1, UUID.class));
                    }
                }
            }
            long now = now();
            for (UUID id : queued) {
                try (PreparedStatement take = c.prepareStatement("UPDATE runs SET state = 'assigned', attempt ="
                        + " attempt + 1, assigned_us = ?, lease_until_us = ?, claim_token = ? WHERE id = ?"
                        + " AND state = 'queued' AND node = ? AND cancel_requested = FALSE")) {
                    take.setLong(1, now);
                    take.setLong(2, now + lease.toNanos() / 1000);
                    take.setString(3, token);
                    take.setObject(4, id);
                    take.setString(5, node);
                    if (take.executeUpdate() == 1) {
                        Row row = find(c, id, false).orElseThrow();
                        event(c, id, row.run().attempt(), node, RunState.ASSIGNED, true, "claimed", null, now);
                        changed(c, id);
                        return Optional.of(row);
                    }
                }
            }
            Optional<Row> managed = claimManaged(c, node, lease, token, now);
            if (managed.isPresent()) {
                return managed;
            }
            Optional<UUID> task = workSource.claim(c, node, token, now);
            if (task.isPresent()) {
                return Optional.of(find(c, task.get(), false).orElseThrow());
            }
            return Optional.<Row>empty();
        });
    }

    /**
     * A run only a swarm manager's agent can carry out (a deployment's service), queued for no node in particular:
     * the first manager to claim it gets it.
     */
    private Optional<Row> claimManaged(Connection c, String node, Duration lease, String token, long now)
            throws SQLException {
        try (PreparedStatement role = c.prepareStatement("SELECT role FROM nodes WHERE id = ?")) {
            role.setString(1, node);
            try (ResultSet rs = role.executeQuery()) {
                if (!rs.next() || !"manager".equals(rs.getString(1))) {
                    return Optional.empty();
                }
            }
        }
        List<UUID> queued = new ArrayList<>();
        try (PreparedStatement find = c.prepareStatement("SELECT id FROM runs WHERE state = 'queued' AND node = ''"
                + " ORDER BY state, created_us, seq FETCH FIRST 8 ROWS ONLY")) {
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    queued.add(rs.getObject(1, UUID.class));
                }
            }
        }
        for (UUID id : queued) {
            try (PreparedStatement take = c.prepareStatement("UPDATE runs SET state = 'assigned', node = ?, attempt ="
                    + " attempt + 1, assigned_us = ?, lease_until_us = ?, claim_token = ? WHERE id = ? AND state ="
                    + " 'queued' AND node = '' AND needs_manager AND cancel_requested = FALSE")) {
                take.setString(1, node);
                take.setLong(2, now);
                take.setLong(3, now + lease.toNanos() / 1000);
                take.setString(4, token);
                take.setObject(5, id);
                if (take.executeUpdate() == 1) {
                    Row row = find(c, id, false).orElseThrow();
                    event(c, id, row.run().attempt(), node, RunState.ASSIGNED, true, "claimed", null, now);
                    changed(c, id);
                    return Optional.of(row);
                }
            }
        }
        return Optional.empty();
    }

    // ---- leases (heartbeats) -----------------------------------------------------------------------------------

    /** Extends the leases the node holds and answers which runs it must stop. */
    public List<HeartbeatAnswer.Stop> extend(Connection c, String node, List<NodeHeartbeat.Lease> leases, Duration lease)
            throws SQLException {
        List<HeartbeatAnswer.Stop> stop = new ArrayList<>();
        long now = now();
        for (NodeHeartbeat.Lease held : leases) {
            Optional<UUID> id = held == null || held.runId() == null ? Optional.empty() : uuid(held.runId());
            if (id.isEmpty()) {
                if (held != null && held.runId() != null) {
                    stop.add(new HeartbeatAnswer.Stop(held.runId(), held.attempt(), "lease-lost"));
                }
                continue;
            }
            // a job task's attempt has its project's lease
            try (PreparedStatement extend = c.prepareStatement("UPDATE runs SET lease_until_us = CASE WHEN"
                    + " lease_seconds IS NULL THEN ? ELSE ? + lease_seconds * 1000000 END WHERE id = ?"
                    + " AND node = ? AND attempt = ? AND state IN " + IN_PROGRESS)) {
                extend.setLong(1, now + lease.toNanos() / 1000);
                extend.setLong(2, now);
                extend.setObject(3, id.get());
                extend.setString(4, node);
                extend.setInt(5, held.attempt());
                if (extend.executeUpdate() == 0) {
                    stop.add(new HeartbeatAnswer.Stop(held.runId(), held.attempt(), "lease-lost"));
                    continue;
                }
            }
            try (PreparedStatement cancel = c.prepareStatement("SELECT cancel_requested FROM runs WHERE id = ?")) {
                cancel.setObject(1, id.get());
                try (ResultSet rs = cancel.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        stop.add(new HeartbeatAnswer.Stop(held.runId(), held.attempt(), "cancelled"));
                    }
                }
            }
        }
        return stop;
    }

    // ---- reports -----------------------------------------------------------------------------------------------

    /** Work on one run whose row this transaction holds locked. */
    @FunctionalInterface
    private interface OnRun {
        Optional<Outcome> apply(Connection c, UUID id, Row found) throws SQLException;
    }

    /** Runs {@code work} on the run's row, locked (FOR UPDATE) in one transaction; empty for an unknown run. */
    private Optional<Outcome> onLockedRun(String runId, OnRun work) {
        Optional<UUID> id = uuid(runId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return transactions.run(c -> {
            Optional<Row> found = find(c, id.get(), true);
            return found.isEmpty() ? Optional.<Outcome>empty() : work.apply(c, id.get(), found.get());
        });
    }

    /** The outcome of a report: the run now, or the problem the reporter gets (the report is recorded either way). */
    public record Outcome(Run run, ProblemException refused) {
    }

    Optional<Outcome> report(String runId, RunReport report) {
        return onLockedRun(runId, (c, id, found) -> {
            Run run = found.run();
            long now = now();
            Long at = report.at() == null ? null : Micros.of(report.at());
            String refused = null;
            ProblemException problem = null;
            if (run.state().isFinal()) {
                problem = conflict("run-finished", "Run finished", "The run is " + run.state().wire()
                        + " already; the report changes nothing.");
            } else if (!run.state().isInProgress() || !report.node().equals(run.node())
                    || report.attempt() != run.attempt()) {
                problem = leaseLost(run, report.node(), report.attempt());
            } else if (report.state() == run.state()) {
                return Optional.of(new Outcome(run, null)); // the same report again (a retry): nothing to change
            } else if (!allowed(run.state(), report.state())) {
                problem = conflict("invalid-transition", "Invalid transition", "A run that is "
                        + run.state().wire() + " cannot become " + report.state().wire() + ".");
            }
            if (problem != null) {
                event(c, id, report.attempt(), report.node(), report.state(), false,
                      problem.getMessage(), at, now);
                return Optional.of(new Outcome(run, problem));
            }
            String column = switch (report.state()) {
                case BUILDING -> "building_us";
                case RUNNING -> "running_us";
                default -> "finished_us";
            };
            boolean fin = report.state().isFinal();
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = ?, " + column + " = ?,"
                    + " image_id = COALESCE(?, image_id), exit_code = COALESCE(?, exit_code),"
                    + " reason = COALESCE(?, reason), git_commit = COALESCE(?, git_commit)"
                    + (fin ? ", lease_until_us = NULL" : "") + " WHERE id = ? AND state = ? AND attempt = ?")) {
                update.setString(1, report.state().wire());
                update.setLong(2, now);
                update.setString(3, report.imageId() == null ? null : Texts.printable(report.imageId(), 250));
                if (report.exitCode() == null) {
                    update.setNull(4, Types.INTEGER);
                } else {
                    update.setInt(4, report.exitCode());
                }
                update.setString(5, report.reason() == null ? null : Texts.printable(report.reason(), 3900));
                update.setString(6, report.commit() == null || run.git() == null ? null
                        : Texts.printable(report.commit(), 64));
                update.setObject(7, id);
                update.setString(8, run.state().wire());
                update.setInt(9, run.attempt());
                update.executeUpdate();
            }
            event(c, id, report.attempt(), report.node(), report.state(), true, report.reason(), at, now);
            if (fin) {
                ended(c, id);
            } else {
                changed(c, id);
            }
            return Optional.of(new Outcome(find(c, id, false).orElseThrow().run(), null));
        });
    }

    private static boolean allowed(RunState from, RunState to) {
        return switch (to) {
            case BUILDING -> from == RunState.ASSIGNED;
            case RUNNING -> from == RunState.ASSIGNED || from == RunState.BUILDING;
            case SUCCEEDED, FAILED, CANCELLED, LOST -> from.isInProgress();
            default -> false;
        };
    }

    public static ProblemException conflict(String slug, String title, String detail) {
        return new ProblemException(409, slug, title, detail);
    }

    static ProblemException leaseLost(Run run, String node, int attempt) {
        return conflict("lease-lost", "Lease lost", "Node '" + node + "' does not hold the lease of attempt "
                + attempt + " of this run (it is " + run.state().wire() + ", attempt " + run.attempt() + " on node '"
                + run.node() + "').");
    }

    // ---- cancel ------------------------------------------------------------------------------------------------

    public Optional<Outcome> cancel(String runId) {
        return onLockedRun(runId, (c, id, found) -> {
            Run run = found.run();
            long now = now();
            if (run.state().isFinal()) {
                return Optional.of(new Outcome(run, conflict("run-finished", "Run finished", "The run is "
                        + run.state().wire() + " already; there is nothing to cancel.")));
            }
            if (run.state() == RunState.QUEUED) {
                try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = 'cancelled',"
                        + " cancel_requested = TRUE, reason = 'cancelled by a user', finished_us = ? WHERE id = ?"
                        + " AND state = 'queued'")) {
                    update.setLong(1, now);
                    update.setObject(2, id);
                    update.executeUpdate();
                }
                event(c, id, run.attempt(), null, RunState.CANCELLED, true, "cancelled by a user", null, now);
                ended(c, id);
            } else {
                try (PreparedStatement update = c.prepareStatement("UPDATE runs SET cancel_requested = TRUE"
                        + " WHERE id = ?")) {
                    update.setObject(1, id);
                    update.executeUpdate();
                }
            }
            return Optional.of(new Outcome(find(c, id, false).orElseThrow().run(), null));
        });
    }

    // ---- logs --------------------------------------------------------------------------------------------------

    /** Appends a batch; the outcome's problem when refused (the run unknown: empty). */
    Optional<Outcome> append(String runId, LogAppend batch, long maxLog) {
        return onLockedRun(runId, (c, id, found) -> {
            Run run = found.run();
            // The holder of the lease may still flush its last lines just after its final report.
            boolean holder = batch.node().equals(run.node()) && batch.attempt() == run.attempt() && run.attempt() > 0
                    && (run.state().isInProgress() || run.state() == RunState.SUCCEEDED
                        || run.state() == RunState.FAILED || run.state() == RunState.CANCELLED);
            if (!holder) {
                return Optional.of(new Outcome(run, leaseLost(run, batch.node(), batch.attempt())));
            }
            long end = run.logBytes();
            boolean truncated = found.logTruncated();
            long now = now();
            for (LogAppend.Chunk chunk : batch.chunks()) {
                if (chunk == null || chunk.text() == null || chunk.text().isEmpty()) {
                    continue;
                }
                try (PreparedStatement seen = c.prepareStatement("SELECT 1 FROM run_logs WHERE run_id = ? AND"
                        + " attempt = ? AND seq = ?")) {
                    seen.setObject(1, id);
                    seen.setInt(2, batch.attempt());
                    seen.setLong(3, chunk.seq());
                    try (ResultSet rs = seen.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                }
                if (truncated) {
                    continue;
                }
                String text = chunk.text();
                long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                long at = chunk.at() == null ? now : Micros.of(chunk.at());
                if (end + bytes > maxLog) {
                    truncated = true;
                    String line = "[dockhand] the log reached the store's limit of " + maxLog
                            + " bytes (store.runs.maxlog); later output is dropped\n";
                    insertLog(c, id, end, batch.attempt(), -1 - chunk.seq(), "system", line, now);
                    end += line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    continue;
                }
                insertLog(c, id, end, batch.attempt(), chunk.seq(), chunk.stream(), text, at);
                end += bytes;
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET log_bytes = ?, log_truncated = ?"
                    + " WHERE id = ?")) {
                update.setLong(1, end);
                update.setBoolean(2, truncated);
                update.setObject(3, id);
                update.executeUpdate();
            }
            return Optional.of(new Outcome(run, null));
        });
    }

    private static void insertLog(Connection c, UUID run, long start, int attempt, long seq, String stream,
                                  String text, long at) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO run_logs (run_id, start_offset, end_offset,"
                + " attempt, seq, stream, text, at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, run);
            insert.setLong(2, start);
            insert.setLong(3, start + text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            insert.setInt(4, attempt);
            insert.setLong(5, seq);
            insert.setString(6, stream);
            insert.setString(7, text);
            insert.setLong(8, at);
            insert.executeUpdate();
        }
    }

    /** Log entries whose text ends after {@code offset}, in order, at most {@code limit}. */
    /** Reads of a log fetch chunks that start within this many bytes of the offset (and at least one). */
    static final long LOG_READ_BYTES = 1024 * 1024;

    /**
     * Chunks from {@code offset}: at most {@code limit}, and only those starting within {@link #LOG_READ_BYTES} of
     * it (the first always), so one read holds about a MiB of text plus at most one chunk.
     */
    /** The end of a run's log: the chunks that hold its last {@code bytes} bytes, read on the caller's connection. */
    public static String tail(Connection c, UUID run, long bytes) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (PreparedStatement read = c.prepareStatement("SELECT l.text FROM run_logs l JOIN runs r ON r.id = l.run_id"
                + " WHERE l.run_id = ? AND l.end_offset > r.log_bytes - ? ORDER BY l.start_offset")) {
            read.setObject(1, run);
            read.setLong(2, bytes);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    text.append(rs.getString(1));
                }
            }
        }
        return text.toString();
    }

    List<LogEntry> logs(UUID run, long offset, int limit) {
        return transactions.run(c -> {
            List<LogEntry> entries = new ArrayList<>();
            long first = offset;
            try (PreparedStatement min = c.prepareStatement("SELECT MIN(start_offset) FROM run_logs WHERE run_id = ?"
                    + " AND end_offset > ?")) {
                min.setObject(1, run);
                min.setLong(2, offset);
                try (ResultSet rs = min.executeQuery()) {
                    if (rs.next()) {
                        first = Math.max(offset, rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement read = c.prepareStatement("SELECT start_offset, end_offset, stream, text, at_us"
                    + " FROM run_logs WHERE run_id = ? AND end_offset > ? AND start_offset <= ?"
                    + " ORDER BY start_offset FETCH FIRST ? ROWS ONLY")) {
                read.setObject(1, run);
                read.setLong(2, offset);
                read.setLong(3, first + LOG_READ_BYTES);
                read.setInt(4, limit);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new LogEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                                 instant(rs.getLong(5))));
                    }
                }
            }
            return entries;
        });
    }

    // ---- listing -----------------------------------------------------------------------------------------------

    /** A page of runs newest first, plus whether more follow (one extra row is read). */
    List<Row> page(int limit, Optional<long[]> after, Optional<String> node, Optional<RunState> state) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM runs");
        List<Object> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        node.ifPresent(n -> {
            where.add("node = ?");
            params.add(n);
        });
        state.ifPresent(s -> {
            where.add("state = ?");
            params.add(s.wire());
        });
        after.ifPresent(a -> {
            where.add("created_us <= ?");
            params.add(a[0]);
            where.add("NOT (created_us = ? AND seq >= ?)");
            params.add(a[0]);
            params.add(a[1]);
        });
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(" ORDER BY ").append(node.isPresent() ? "node, " : state.isPresent() ? "state, " : "")
                .append("created_us DESC, seq DESC FETCH FIRST ? ROWS ONLY");
        params.add(limit + 1);
        return transactions.run(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement read = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    read.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
            }
            return rows;
        });
    }
}
