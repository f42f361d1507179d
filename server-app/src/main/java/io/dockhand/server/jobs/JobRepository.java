package io.dockhand.server.jobs;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.dockhand.api.JobSettings;
import io.dockhand.api.JobStatus;
import io.dockhand.api.JobTask;
import io.dockhand.api.Page;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskAttempt;
import io.dockhand.api.TaskResult;
import io.dockhand.api.TaskResults;
import io.dockhand.api.TaskState;
import io.dockhand.api.TaskSubmission;
import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.web.ProblemException;

/**
 * The jobs' tables: projects and their settings, tasks (ToDo: ready, running, failed), every attempt's result, and
 * Done (one result per task). A task's attempt is a run: {@link #claim} creates it for a claiming agent, and
 * {@link #ended} turns the run's end into the task's, in the run's own transaction, so a task's result is written
 * exactly once however its runs end (reported, lost with their agent, or cancelled).
 *
 * <p>Locks are always taken project row first, then task rows, so claims, ends, retries and cancels of one project
 * never deadlock; results of one project are inserted under its project row's lock, so their {@code seq} values
 * become visible in order and a reader after a {@code seq} misses none.
 */
public final class JobRepository implements RunRepository.WorkSource, RunRepository.RunEnds {

    private static final String TASK_COLUMNS = "seq, project, task_id, state, repo, ref, dockerfile, command, env,"
            + " timeout_seconds, attempt, max_attempts, run_id, not_before_us, exit_code, reason, created_us,"
            + " finished_us, cancel_requested, done_queue";
    private static final String ATTEMPT_COLUMNS = "task_seq, attempt, run_id, node, state, exit_code, reason,"
            + " git_commit, stdout, stderr, output_truncated, cloned_us, built_us, started_us, ended_us";
    private static final int CLAIM_CANDIDATES = 16;
    private static final int IN_BATCH = 500;

    private final Transactions transactions;
    private final Clock clock;
    private final FacadeQueues queues;

    public JobRepository(Transactions transactions, Clock clock, FacadeQueues queues) {
        this.transactions = transactions;
        this.clock = clock;
        this.queues = queues;
    }

    long now() {
        return Micros.of(clock.instant());
    }

    /** A stored task with what the API does not show. */
    record Row(long seq, JobTask task, boolean cancelRequested, String doneQueue) {
    }

    // ---- projects ----------------------------------------------------------------------------------------------

    private static Optional<JobSettings> settings(Connection c, String project, boolean lock) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT concurrency, max_attempts, lease_seconds,"
                + " backoff_seconds FROM job_projects WHERE name = ?" + (lock ? " FOR UPDATE" : ""))) {
            read.setString(1, project);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(new JobSettings(rs.getInt(1), rs.getInt(2), rs.getLong(3),
                                                               rs.getLong(4))) : Optional.empty();
            }
        }
    }

    /** The project's settings, locked; the project is created with the defaults when it does not exist. */
    private JobSettings lockProject(Connection c, String project) throws SQLException {
        Optional<JobSettings> found = settings(c, project, true);
        if (found.isPresent()) {
            return found.get();
        }
        JobSettings d = JobSettings.DEFAULTS;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_projects (name, concurrency,"
                + " max_attempts, lease_seconds, backoff_seconds, created_us) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, project);
            insert.setInt(2, d.concurrency());
            insert.setInt(3, d.maxAttempts());
            insert.setLong(4, d.leaseSeconds());
            insert.setLong(5, d.backoffSeconds());
            insert.setLong(6, now());
            insert.executeUpdate(); // a concurrent creator: duplicate key, and the transaction is tried again
        }
        return settings(c, project, true).orElseThrow();
    }

    /** Sets what {@code changes} names of the project's settings (creating the project); its status after. */
    JobStatus put(String project, JobSettings changes) {
        return transactions.run(c -> {
            JobSettings was = lockProject(c, project);
            JobSettings now = new JobSettings(
                    changes.concurrency() != null ? changes.concurrency() : was.concurrency(),
                    changes.maxAttempts() != null ? changes.maxAttempts() : was.maxAttempts(),
                    changes.leaseSeconds() != null ? changes.leaseSeconds() : was.leaseSeconds(),
                    changes.backoffSeconds() != null ? changes.backoffSeconds() : was.backoffSeconds());
            try (PreparedStatement update = c.prepareStatement("UPDATE job_projects SET concurrency = ?,"
                    + " max_attempts = ?, lease_seconds = ?, backoff_seconds = ? WHERE name = ?")) {
                update.setInt(1, now.concurrency());
                update.setInt(2, now.maxAttempts());
                update.setLong(3, now.leaseSeconds());
                update.setLong(4, now.backoffSeconds());
                update.setString(5, project);
                update.executeUpdate();
            }
            return status(c, project).orElseThrow();
        });
    }

    Optional<JobStatus> status(String project) {
        return transactions.run(c -> status(c, project));
    }

    List<JobStatus> statuses() {
        return transactions.run(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement read = c.prepareStatement("SELECT name FROM job_projects ORDER BY name");
                 ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            List<JobStatus> all = new ArrayList<>();
            for (String name : names) {
                status(c, name).ifPresent(all::add);
            }
            return all;
        });
    }

    private static Optional<JobStatus> status(Connection c, String project) throws SQLException {
        Optional<JobSettings> settings = settings(c, project, false);
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, 0L);
        }
        long total = 0;
        try (PreparedStatement count = c.prepareStatement("SELECT state, COUNT(*) FROM job_tasks WHERE project = ?"
                + " GROUP BY state")) {
            count.setString(1, project);
            try (ResultSet rs = count.executeQuery()) {
                while (rs.next()) {
                    counts.put(TaskState.of(rs.getString(1)), rs.getLong(2));
                    total += rs.getLong(2);
                }
            }
        }
        Map<String, Long> codes = new TreeMap<>();
        try (PreparedStatement count = c.prepareStatement("SELECT exit_code, COUNT(*) FROM job_tasks WHERE"
                + " project = ? AND state IN ('succeeded', 'dead', 'cancelled') GROUP BY exit_code")) {
            count.setString(1, project);
            try (ResultSet rs = count.executeQuery()) {
                while (rs.next()) {
                    int code = rs.getInt(1);
                    codes.merge(rs.wasNull() ? "none" : Integer.toString(code), rs.getLong(2), Long::sum);
                }
            }
        }
        long finished = counts.get(TaskState.SUCCEEDED) + counts.get(TaskState.DEAD)
                + counts.get(TaskState.CANCELLED);
        return Optional.of(new JobStatus(project, settings.get(), counts, total, finished, codes));
    }

    // ---- submitting --------------------------------------------------------------------------------------------

    /**
     * Stores the tasks in one transaction, all or none: a task id already in the project with the same spec is
     * counted as existing and changes nothing; with another spec the whole request is refused (409).
     */
    TaskSubmission submit(String project, List<NewTask> tasks) {
        return transactions.run(c -> {
            JobSettings settings = lockProject(c, project);
            Map<String, String> known = new HashMap<>();
            for (int from = 0; from < tasks.size(); from += IN_BATCH) {
                List<NewTask> batch = tasks.subList(from, Math.min(tasks.size(), from + IN_BATCH));
                StringBuilder sql = new StringBuilder("SELECT task_id, spec_hash FROM job_tasks WHERE project = ?"
                                                              + " AND task_id IN (");
                for (int i = 0; i < batch.size(); i++) {
                    sql.append(i == 0 ? "?" : ", ?");
                }
                try (PreparedStatement read = c.prepareStatement(sql.append(')').toString())) {
                    read.setString(1, project);
                    for (int i = 0; i < batch.size(); i++) {
                        read.setString(i + 2, batch.get(i).taskId());
                    }
                    try (ResultSet rs = read.executeQuery()) {
                        while (rs.next()) {
                            known.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            long now = now();
            long created = 0;
            long existing = 0;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_tasks (project, task_id, state,"
                    + " repo, ref, dockerfile, command, env, timeout_seconds, spec_hash, attempt, max_attempts,"
                    + " not_before_us, cancel_requested, done_queue, created_us)"
                    + " VALUES (?, ?, 'ready', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, FALSE, ?, ?)")) {
                int pending = 0;
                for (NewTask task : tasks) {
                    String hash = task.specHash();
                    String had = known.get(task.taskId());
                    if (had != null) {
                        if (!had.equals(hash)) {
                            throw new ProblemException(409, "task-exists", "Task exists", "Project '" + project
                                    + "' has a task '" + task.taskId() + "' with another spec; a task id is"
                                    + " submitted once (resubmitting the same task changes nothing). Nothing of"
                                    + " this request was stored.");
                        }
                        existing++;
                        continue;
                    }
                    known.put(task.taskId(), hash);
                    insert.setString(1, project);
                    insert.setString(2, task.taskId());
                    insert.setString(3, task.repo());
                    insert.setString(4, task.ref());
                    insert.setString(5, task.dockerfile());
                    insert.setString(6, RunRepository.json(task.command()));
                    insert.setString(7, RunRepository.json(task.env()));
                    insert.setLong(8, task.timeoutSeconds());
                    insert.setString(9, hash);
                    insert.setInt(10, settings.maxAttempts());
                    insert.setLong(11, now);
                    insert.setString(12, task.doneQueue());
                    insert.setLong(13, now);
                    insert.addBatch();
                    created++;
                    if (++pending == IN_BATCH) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
            return new TaskSubmission(tasks.size(), created, existing);
        });
    }

    // ---- claims (the runs' WorkSource) -------------------------------------------------------------------------

    private record Candidate(long seq, String project, String state) {
    }

    @Override
    public Optional<UUID> claim(Connection c, String node, String claimToken, long now) throws SQLException {
        List<Candidate> candidates = new ArrayList<>();
        // retries whose backoff is over first, then ready tasks, each oldest first (both in index order)
        for (String sql : List.of(
                "SELECT seq, project, state FROM job_tasks WHERE state = 'failed' AND not_before_us <= ?"
                        + " ORDER BY state, not_before_us, seq FETCH FIRST " + CLAIM_CANDIDATES + " ROWS ONLY",
                "SELECT seq, project, state FROM job_tasks WHERE state = 'ready' AND not_before_us <= ?"
                        + " ORDER BY state, not_before_us, seq FETCH FIRST " + CLAIM_CANDIDATES + " ROWS ONLY")) {
            try (PreparedStatement find = c.prepareStatement(sql)) {
                find.setLong(1, now);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        Set<String> full = new HashSet<>();
        for (Candidate candidate : candidates) {
            if (full.contains(candidate.project())) {
                continue;
            }
            JobSettings settings = settings(c, candidate.project(), false).orElse(JobSettings.DEFAULTS);
            if (settings.concurrency() > 0) {
                settings = settings(c, candidate.project(), true).orElse(JobSettings.DEFAULTS);
                if (running(c, candidate.project()) >= settings.concurrency()) {
                    full.add(candidate.project());
                    continue;
                }
            }
            UUID run = UUID.randomUUID();
            try (PreparedStatement take = c.prepareStatement("UPDATE job_tasks SET state = 'running', attempt ="
                    + " attempt + 1, run_id = ? WHERE seq = ? AND state = ? AND not_before_us <= ?"
                    + " AND cancel_requested = FALSE")) {
                take.setObject(1, run);
                take.setLong(2, candidate.seq());
                take.setString(3, candidate.state());
                take.setLong(4, now);
                if (take.executeUpdate() != 1) {
                    continue; // another claimer took it
                }
            }
            Row task = task(c, candidate.seq(), false).orElseThrow();
            JobTask t = task.task();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, state, node, pinned, context,"
                    + " context_bytes, dockerfile, command, env, cpus, memory_bytes, timeout_seconds, attempt,"
                    + " max_attempts, cancel_requested, log_bytes, log_truncated, created_us, assigned_us,"
                    + " lease_until_us, claim_token, git_repo, git_ref, lease_seconds, task_seq, project, task_id)"
                    + " VALUES (?, 'assigned', ?, FALSE, 'git', 0, ?, ?, ?, 0, 0, ?, 1, 1, FALSE, 0, FALSE, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, run);
                insert.setString(2, node);
                insert.setString(3, t.dockerfile());
                insert.setString(4, RunRepository.json(t.command()));
                insert.setString(5, RunRepository.json(t.env()));
                insert.setLong(6, t.timeoutSeconds());
                insert.setLong(7, now);
                insert.setLong(8, now);
                insert.setLong(9, now + settings.leaseSeconds() * 1_000_000L);
                insert.setString(10, claimToken);
                insert.setString(11, t.repo());
                insert.setString(12, t.ref());
                insert.setLong(13, settings.leaseSeconds());
                insert.setLong(14, candidate.seq());
                insert.setString(15, t.project());
                insert.setString(16, t.taskId());
                insert.executeUpdate();
            }
            RunRepository.event(c, run, 1, node, RunState.ASSIGNED, true, "claimed: attempt " + t.attempt()
                    + " of task '" + t.taskId() + "' of project '" + t.project() + "'", null, now);
            return Optional.of(run);
        }
        return Optional.empty();
    }

    private static long running(Connection c, String project) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM job_tasks WHERE project = ? AND"
                + " state = 'running'")) {
            count.setString(1, project);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---- the end of an attempt (the runs' RunEnds) -------------------------------------------------------------

    @Override
    public void ended(Connection c, Run run) throws SQLException {
        if (run.task() == null) {
            return;
        }
        long now = now();
        JobSettings settings = settings(c, run.task().project(), true).orElse(JobSettings.DEFAULTS);
        Optional<Row> found = task(c, run.task().project(), run.task().taskId(), true);
        if (found.isEmpty() || !run.id().equals(found.get().task().runId())
                || found.get().task().state() != TaskState.RUNNING) {
            return; // not the task's current attempt: it changes nothing
        }
        Row row = found.get();
        JobTask task = row.task();
        saveAttempt(c, row.seq(), task.attempt(), run);
        TaskState to;
        long notBefore = now;
        String reason = run.reason();
        if (run.state() == RunState.SUCCEEDED) {
            to = TaskState.SUCCEEDED;
        } else if (run.state() == RunState.CANCELLED || row.cancelRequested()) {
            to = TaskState.CANCELLED;
            reason = reason == null ? "cancelled by a user" : reason;
        } else if (task.attempt() < task.maxAttempts()) {
            to = TaskState.FAILED;
            notBefore = now + backoffSeconds(settings, task.attempt()) * 1_000_000L;
        } else {
            to = TaskState.DEAD;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE job_tasks SET state = ?, exit_code = ?,"
                + " reason = ?, not_before_us = ?, finished_us = ? WHERE seq = ? AND state = 'running'")) {
            update.setString(1, to.wire());
            if (run.exitCode() == null) {
                update.setNull(2, Types.INTEGER);
            } else {
                update.setInt(2, run.exitCode());
            }
            update.setString(3, reason == null ? null : io.dockhand.server.runs.Texts.printable(reason, 3900));
            update.setLong(4, notBefore);
            if (to.isFinal()) {
                update.setLong(5, now);
            } else {
                update.setNull(5, Types.BIGINT);
            }
            update.setLong(6, row.seq());
            update.executeUpdate();
        }
        if (to.isFinal()) {
            toDone(c, row.seq(), task.project(), row.doneQueue(), now);
        }
    }

    /** How long a task waits after its {@code attempt}-th attempt failed: the backoff, doubled each time, capped. */
    static long backoffSeconds(JobSettings settings, int attempt) {
        long wait = settings.backoffSeconds();
        for (int i = 1; i < attempt && wait < JobSettings.MAX_BACKOFF_SECONDS; i++) {
            wait *= 2;
        }
        return Math.min(wait, JobSettings.MAX_BACKOFF_SECONDS);
    }

    private static void saveAttempt(Connection c, long taskSeq, int attempt, Run run) throws SQLException {
        String[] out = output(c, run.id(), "stdout");
        String[] err = output(c, run.id(), "stderr");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_attempts (" + ATTEMPT_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, taskSeq);
            insert.setInt(2, attempt);
            insert.setObject(3, UUID.fromString(run.id()));
            insert.setString(4, run.node());
            insert.setString(5, run.state().wire());
            if (run.exitCode() == null) {
                insert.setNull(6, Types.INTEGER);
            } else {
                insert.setInt(6, run.exitCode());
            }
            insert.setString(7, run.reason());
            insert.setString(8, run.git() == null ? null : run.git().commit());
            insert.setString(9, out[0]);
            insert.setString(10, err[0]);
            insert.setBoolean(11, out[1] != null || err[1] != null);
            setMicros(insert, 12, run.assignedAt());
            setMicros(insert, 13, run.buildingAt());
            setMicros(insert, 14, run.runningAt());
            setMicros(insert, 15, run.finishedAt());
            insert.executeUpdate();
        }
    }

    private static void setMicros(PreparedStatement s, int index, java.time.Instant at) throws SQLException {
        if (at == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, Micros.of(at));
        }
    }

    /** The start of one stream of a run's log, at most {@link TaskAttempt#OUTPUT_CAP} bytes; [1] non-null if cut. */
    private static String[] output(Connection c, String runId, String stream) throws SQLException {
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        String cut = null;
        try (PreparedStatement read = c.prepareStatement("SELECT text FROM run_logs WHERE run_id = ? AND stream = ?"
                + " ORDER BY start_offset")) {
            read.setObject(1, UUID.fromString(runId));
            read.setString(2, stream);
            read.setMaxRows(10_000);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String chunk = rs.getString(1);
                    int size = chunk.getBytes(StandardCharsets.UTF_8).length;
                    if (bytes + size > TaskAttempt.OUTPUT_CAP) {
                        cut = "cut";
                        break;
                    }
                    text.append(chunk);
                    bytes += size;
                }
            }
        }
        return new String[] {text.toString(), cut};
    }

    /** Puts the task's result on Done (and on its facade queue), under the project row's lock the caller holds. */
    private void toDone(Connection c, long taskSeq, String project, String doneQueue, long now) throws SQLException {
        long seq;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_results (project, task_seq, finished_us)"
                + " VALUES (?, ?, ?)", new String[] {"seq"})) {
            insert.setString(1, project);
            insert.setLong(2, taskSeq);
            insert.setLong(3, now);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
        }
        if (doneQueue != null) {
            TaskResult result = results(c, List.of(new long[] {seq, taskSeq})).get(0);
            queues.put(c, doneQueue, FacadeQueues.doneMessage(result), true);
        }
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private static Optional<Row> task(Connection c, long seq, boolean lock) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM job_tasks WHERE seq = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            read.setLong(1, seq);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<Row> task(Connection c, String project, String taskId, boolean lock)
            throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM job_tasks WHERE"
                + " project = ? AND task_id = ?" + (lock ? " FOR UPDATE" : ""))) {
            read.setString(1, project);
            read.setString(2, taskId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        int exit = rs.getInt(15);
        Integer exitCode = rs.wasNull() ? null : exit;
        long finished = rs.getLong(18);
        java.time.Instant finishedAt = rs.wasNull() ? null : RunRepository.instant(finished);
        Object runId = rs.getObject(13);
        TaskState state = TaskState.of(rs.getString(4));
        long notBefore = rs.getLong(14);
        JobTask task = new JobTask(rs.getString(2), rs.getString(3), state, rs.getString(5), rs.getString(6),
                rs.getString(7), RunRepository.list(rs.getString(8)), RunRepository.map(rs.getString(9)),
                rs.getLong(10), rs.getInt(11), rs.getInt(12), runId == null ? null : runId.toString(),
                state == TaskState.FAILED ? RunRepository.instant(notBefore) : null, exitCode, rs.getString(16),
                RunRepository.instant(rs.getLong(17)), finishedAt, null);
        return new Row(rs.getLong(1), task, rs.getBoolean(19), rs.getString(20));
    }

    /** One task with every attempt. */
    Optional<JobTask> task(String project, String taskId) {
        return transactions.run(c -> {
            Optional<Row> row = task(c, project, taskId, false);
            if (row.isEmpty()) {
                return Optional.<JobTask>empty();
            }
            JobTask t = row.get().task();
            List<TaskAttempt> attempts = new ArrayList<>(attempts(c, List.of(row.get().seq()))
                                                                 .getOrDefault(row.get().seq(), List.of()));
            if (t.state() == TaskState.RUNNING && t.runId() != null) {
                // the attempt in progress, from its run (its output is in the run's log until it ends)
                Optional<RunRepository.Row> current = RunRepository.find(c, UUID.fromString(t.runId()), false);
                current.ifPresent(r -> attempts.add(new TaskAttempt(t.attempt(), r.run().id(), r.run().node(),
                        r.run().state(), r.run().exitCode(), r.run().reason(),
                        r.run().git() == null ? null : r.run().git().commit(), null, null, false,
                        r.run().assignedAt(), r.run().buildingAt(), r.run().runningAt(), r.run().finishedAt())));
            }
            return Optional.of(new JobTask(t.project(), t.taskId(), t.state(), t.repo(), t.ref(), t.dockerfile(),
                    t.command(), t.env(), t.timeoutSeconds(), t.attempt(), t.maxAttempts(), t.runId(),
                    t.notBefore(), t.exitCode(), t.reason(), t.createdAt(), t.finishedAt(), attempts));
        });
    }

    /** A page of the project's tasks, oldest first, after the cursor (a task's seq). */
    Page<JobTask> tasks(String project, TaskState state, long after, int limit) {
        return transactions.run(c -> {
            List<JobTask> items = new ArrayList<>();
            long last = after;
            try (PreparedStatement read = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM job_tasks WHERE"
                    + " project = ?" + (state == null ? "" : " AND state = ?") + " AND seq > ? ORDER BY seq"
                    + " FETCH FIRST ? ROWS ONLY")) {
                int i = 1;
                read.setString(i++, project);
                if (state != null) {
                    read.setString(i++, state.wire());
                }
                read.setLong(i++, after);
                read.setInt(i, limit + 1);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        Row row = row(rs);
                        if (items.size() == limit) {
                            return new Page<>(items, Long.toString(last));
                        }
                        items.add(row.task());
                        last = row.seq();
                    }
                }
            }
            return new Page<>(items, null);
        });
    }

    /** Results on the project's Done after {@code after}, oldest first, and whether every task has one. */
    TaskResults results(String project, long after, int limit) {
        return transactions.run(c -> {
            List<long[]> seqs = new ArrayList<>();
            try (PreparedStatement read = c.prepareStatement("SELECT seq, task_seq FROM job_results WHERE"
                    + " project = ? AND seq > ? ORDER BY project, seq FETCH FIRST ? ROWS ONLY")) {
                read.setString(1, project);
                read.setLong(2, after);
                read.setInt(3, limit);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        seqs.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            List<TaskResult> results = results(c, seqs);
            long last = results.isEmpty() ? after : results.get(results.size() - 1).seq();
            boolean finished;
            try (PreparedStatement open = c.prepareStatement("SELECT COUNT(*) FROM job_tasks WHERE project = ?"
                    + " AND state IN ('ready', 'running', 'failed')")) {
                open.setString(1, project);
                try (ResultSet rs = open.executeQuery()) {
                    rs.next();
                    finished = rs.getLong(1) == 0;
                }
            }
            // "finished" promises the reader has every result: only when this page reached the end of Done
            if (finished && results.size() == limit) {
                finished = false;
            }
            return new TaskResults(results, last, finished);
        });
    }

    /** The results of {seq, taskSeq} pairs, in their order. */
    private static List<TaskResult> results(Connection c, List<long[]> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return List.of();
        }
        List<Long> taskSeqs = seqs.stream().map(s -> s[1]).toList();
        Map<Long, List<TaskAttempt>> attempts = attempts(c, taskSeqs);
        List<TaskResult> results = new ArrayList<>();
        for (long[] s : seqs) {
            JobTask t = task(c, s[1], false).orElseThrow().task();
            List<TaskAttempt> all = attempts.getOrDefault(s[1], List.of());
            TaskAttempt last = all.isEmpty() ? null : all.get(all.size() - 1);
            results.add(new TaskResult(s[0], t.project(), t.taskId(), t.state(), t.exitCode(),
                    t.state() == TaskState.SUCCEEDED ? null : t.reason(), last == null ? null : last.node(),
                    t.attempt(), last == null ? null : last.stdout(), last == null ? null : last.stderr(),
                    t.finishedAt(), all));
        }
        return results;
    }

    private static Map<Long, List<TaskAttempt>> attempts(Connection c, List<Long> taskSeqs) throws SQLException {
        Map<Long, List<TaskAttempt>> all = new LinkedHashMap<>();
        for (int from = 0; from < taskSeqs.size(); from += IN_BATCH) {
            List<Long> batch = taskSeqs.subList(from, Math.min(taskSeqs.size(), from + IN_BATCH));
            StringBuilder sql = new StringBuilder("SELECT " + ATTEMPT_COLUMNS + " FROM job_attempts WHERE task_seq"
                                                          + " IN (");
            for (int i = 0; i < batch.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            try (PreparedStatement read = c.prepareStatement(sql.append(") ORDER BY task_seq, attempt").toString())) {
                for (int i = 0; i < batch.size(); i++) {
                    read.setLong(i + 1, batch.get(i));
                }
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        int exit = rs.getInt(6);
                        Integer exitCode = rs.wasNull() ? null : exit;
                        all.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new TaskAttempt(
                                rs.getInt(2), rs.getObject(3).toString(), rs.getString(4),
                                RunState.of(rs.getString(5)), exitCode, rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getString(10), rs.getBoolean(11), micros(rs, 12),
                                micros(rs, 13), micros(rs, 14), micros(rs, 15)));
                    }
                }
            }
        }
        return all;
    }

    private static java.time.Instant micros(ResultSet rs, int column) throws SQLException {
        long us = rs.getLong(column);
        return rs.wasNull() ? null : RunRepository.instant(us);
    }

    // ---- retry and cancel --------------------------------------------------------------------------------------

    /** The named tasks (all when empty) that are unknown in the project. */
    List<String> unknown(String project, List<String> taskIds) {
        return transactions.run(c -> {
            List<String> missing = new ArrayList<>();
            for (String id : taskIds) {
                if (task(c, project, id, false).isEmpty()) {
                    missing.add(id);
                }
            }
            return missing;
        });
    }

    /**
     * Puts dead and cancelled tasks back on ToDo with a fresh set of attempts, taking their result off Done; all of
     * them when {@code taskIds} is empty. Answers how many went back.
     */
    long retry(String project, List<String> taskIds) {
        return transactions.run(c -> {
            JobSettings settings = lockProject(c, project);
            List<Long> seqs = finalTasks(c, project, taskIds, "('dead', 'cancelled')");
            long now = now();
            long retried = 0;
            for (long seq : seqs) {
                try (PreparedStatement update = c.prepareStatement("UPDATE job_tasks SET state = 'ready',"
                        + " max_attempts = attempt + ?, not_before_us = ?, cancel_requested = FALSE,"
                        + " finished_us = NULL WHERE seq = ? AND state IN ('dead', 'cancelled')")) {
                    update.setInt(1, settings.maxAttempts());
                    update.setLong(2, now);
                    update.setLong(3, seq);
                    if (update.executeUpdate() == 0) {
                        continue;
                    }
                }
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM job_results WHERE task_seq = ?")) {
                    delete.setLong(1, seq);
                    delete.executeUpdate();
                }
                retried++;
            }
            return retried;
        });
    }

    private static List<Long> finalTasks(Connection c, String project, List<String> taskIds, String states)
            throws SQLException {
        List<Long> seqs = new ArrayList<>();
        if (taskIds.isEmpty()) {
            try (PreparedStatement read = c.prepareStatement("SELECT seq FROM job_tasks WHERE project = ? AND state"
                    + " IN " + states + " ORDER BY seq FOR UPDATE")) {
                read.setString(1, project);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        seqs.add(rs.getLong(1));
                    }
                }
            }
            return seqs;
        }
        for (String id : taskIds) {
            Optional<Row> row = task(c, project, id, true);
            if (row.isPresent()) {
                seqs.add(row.get().seq());
            }
        }
        return seqs;
    }

    /** What a cancel did: tasks ended cancelled at once, and runs whose agents must stop them. */
    record Cancelled(long ended, List<String> runs) {
    }

    /**
     * Cancels unfinished tasks (all when {@code taskIds} is empty): one not running ends cancelled at once, with its
     * result on Done; a running one is marked, and its run is to be cancelled (by the caller, in a transaction of
     * its own: the run's end then ends the task).
     */
    Cancelled cancel(String project, List<String> taskIds) {
        return transactions.run(c -> {
            lockProject(c, project);
            List<Long> seqs = finalTasks(c, project, taskIds, "('ready', 'running', 'failed')");
            long now = now();
            long ended = 0;
            List<String> runs = new ArrayList<>();
            for (long seq : seqs) {
                Row row = task(c, seq, true).orElseThrow();
                TaskState state = row.task().state();
                if (state == TaskState.RUNNING) {
                    try (PreparedStatement mark = c.prepareStatement("UPDATE job_tasks SET cancel_requested = TRUE"
                            + " WHERE seq = ?")) {
                        mark.setLong(1, seq);
                        mark.executeUpdate();
                    }
                    runs.add(row.task().runId());
                } else if (state == TaskState.READY || state == TaskState.FAILED) {
                    try (PreparedStatement update = c.prepareStatement("UPDATE job_tasks SET state = 'cancelled',"
                            + " cancel_requested = TRUE, reason = 'cancelled by a user', finished_us = ? WHERE seq = ?"
                            + " AND state IN ('ready', 'failed')")) {
                        update.setLong(1, now);
                        update.setLong(2, seq);
                        if (update.executeUpdate() == 0) {
                            continue;
                        }
                    }
                    toDone(c, seq, project, row.doneQueue(), now);
                    ended++;
                }
            }
            return new Cancelled(ended, runs);
        });
    }
}
