package io.dockhand.server.deployments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.dockhand.api.Deployment;
import io.dockhand.api.DeploymentEvent;
import io.dockhand.api.DeploymentStatus;
import io.dockhand.api.Manifest;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Run;
import io.dockhand.api.RunDeploy;
import io.dockhand.api.RunState;
import io.dockhand.api.ServiceObservation;
import io.dockhand.api.ServiceSpec;
import io.dockhand.server.StoreSettings;
import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.nodes.NodeRepository;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.server.runs.Texts;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Deployments and their history, driven by their runs: a build run (clone, build, push) on any live node, then a
 * serve run on a manager (make or update the swarm service, wait until healthy, then follow it), and a remove run
 * to destroy it. {@link #changed} turns each step of those runs into the deployment's status, in the run's own
 * transaction.
 */
public final class DeploymentRepository implements RunRepository.RunEnds {
    private static final String COLUMNS = "name, repo, branch, commit_id, manifest, status, failed_step, reason,"
            + " revision, image, previous_image, replicas_running, replicas_wanted, published_port, build_run,"
            + " serve_run, created_us, updated_us";
    /** Serve runs are followed for as long as the deployment lives: a lost one is queued again, many times. */
    private static final int SERVE_ATTEMPTS = 100_000;

    private final Transactions transactions;
    private final Clock clock;
    private final StoreSettings.Deployments settings;
    private final RunRepository runs;
    private final NodeRepository nodes;

    public DeploymentRepository(Transactions transactions, Clock clock, StoreSettings.Deployments settings,
                                RunRepository runs, NodeRepository nodes) {
        this.transactions = transactions;
        this.clock = clock;
        this.settings = settings;
        this.runs = runs;
        this.nodes = nodes;
    }

    long now() {
        return Micros.of(clock.instant());
    }

    /** A stored deployment with what the API does not show. */
    record Row(Deployment deployment) {
    }

    /** The registry repository of a deployment's images. */
    String repository(String name) {
        return settings.registry() + "/dockhand/" + name;
    }

    // ---- creating ----------------------------------------------------------------------------------------------

    /** What a deploy (or an update) builds. */
    record Source(String repo, String branch, String commit, Manifest manifest, String dockerfileText) {
    }

    /**
     * Stores a new deployment and queues its build on {@code node}.
     *
     * @throws ProblemException 409 name-taken or port-taken
     */
    Deployment create(String name, Source source, String node) {
        long now = now();
        transactions.run(c -> {
            Optional<Row> existing = checkFree(c, name, source, true);
            if (existing.isPresent()) {
                delete(c, name);
            }
            UUID build = UUID.randomUUID();
            int port = source.manifest().config().publish();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO deployments (" + COLUMNS + ") VALUES"
                    + " (?, ?, ?, ?, ?, 'building', NULL, NULL, 1, NULL, NULL, 0, ?, ?, ?, NULL, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, source.repo());
                insert.setString(3, source.branch());
                insert.setString(4, source.commit());
                insert.setString(5, RunRepository.json(source.manifest()));
                insert.setInt(6, source.manifest().config().replicas());
                insert.setInt(7, port);
                insert.setObject(8, build);
                insert.setLong(9, now);
                insert.setLong(10, now);
                insert.executeUpdate();
            }
            event(c, name, DeploymentStatus.REQUESTED, "deploy " + source.repo() + " branch " + source.branch(), now);
            event(c, name, DeploymentStatus.VALIDATING, "the branch is at " + shortCommit(source.commit()) + "; "
                    + source.manifest().file() + " is valid (lang " + source.manifest().config().lang() + ", port "
                    + source.manifest().config().port() + ", " + source.manifest().config().replicas() + " replicas)",
                  now);
            queueBuild(c, name, build, source, node, 1, now);
            event(c, name, DeploymentStatus.BUILDING, "build queued for node " + node, now);
            return null;
        });
        return one(name).orElseThrow();
    }

    /** Refuses a name another live deployment has (409 name-taken) or a port one publishes (409 port-taken). */
    void checkFree(String name, Source source) {
        transactions.run(c -> checkFree(c, name, source, false));
    }

    private static Optional<Row> checkFree(Connection c, String name, Source source, boolean lock)
            throws SQLException {
        Optional<Row> existing = find(c, name, lock);
        if (existing.isPresent() && existing.get().deployment().status() != DeploymentStatus.DESTROYED) {
            throw new ProblemException(409, "name-taken", "Name taken", "A deployment named '" + name
                    + "' exists (" + existing.get().deployment().status().wire() + "); destroy it first, or deploy"
                    + " with --name.");
        }
        int port = source.manifest().config().publish();
        try (PreparedStatement taken = c.prepareStatement("SELECT name FROM deployments WHERE published_port = ?"
                + " AND name <> ?")) {
            taken.setInt(1, port);
            taken.setString(2, name);
            try (ResultSet rs = taken.executeQuery()) {
                if (rs.next()) {
                    throw new ProblemException(409, "port-taken", "Port taken", "Port " + port + " is published by"
                            + " the deployment '" + rs.getString(1) + "'; give this app another port ([config]"
                            + " publish) or destroy that one.");
                }
            }
        }
        return existing;
    }

    private static void delete(Connection c, String name) throws SQLException {
        for (String sql : List.of("DELETE FROM deployment_events WHERE deployment = ?",
                                  "DELETE FROM deployments WHERE name = ?")) {
            try (PreparedStatement delete = c.prepareStatement(sql)) {
                delete.setString(1, name);
                delete.executeUpdate();
            }
        }
    }

    private void queueBuild(Connection c, String name, UUID run, Source source, String node, int revision, long now)
            throws SQLException {
        List<String> keep = keepTags(c, name, source.commit());
        RunDeploy deploy = new RunDeploy(name, "build", repository(name), tag(source.commit()),
                                         source.dockerfileText(), null, keep);
        insertRun(c, run, node, source.dockerfileText() == null ? "Dockerfile" : "Dockerfile.dockhand",
                  source.repo(), source.commit(), deploy, false, 1, now);
    }

    /** The tags a build keeps: the new one, and the last images the deployment ran, up to the retention. */
    private List<String> keepTags(Connection c, String name, String commit) throws SQLException {
        List<String> keep = new ArrayList<>();
        keep.add(tag(commit));
        try (PreparedStatement read = c.prepareStatement("SELECT detail FROM deployment_events WHERE deployment = ?"
                + " AND status = 'running' ORDER BY seq DESC")) {
            read.setString(1, name);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next() && keep.size() < settings.keep()) {
                    String detail = rs.getString(1);
                    int at = detail.indexOf(":image ");
                    if (at >= 0) {
                        String t = detail.substring(at + 7).strip();
                        if (!keep.contains(t)) {
                            keep.add(t);
                        }
                    }
                }
            }
        }
        return keep;
    }

    static String tag(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    private static String shortCommit(String commit) {
        return tag(commit);
    }

    private static void insertRun(Connection c, UUID id, String node, String dockerfile, String repo, String commit,
                                  RunDeploy deploy, boolean manager, int maxAttempts, long now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, state, node, pinned, context,"
                + " context_bytes, dockerfile, command, env, cpus, memory_bytes, timeout_seconds, attempt,"
                + " max_attempts, cancel_requested, log_bytes, log_truncated, created_us, git_repo, git_ref,"
                + " deploy_spec, needs_manager) VALUES (?, 'queued', ?, FALSE, ?, 0, ?, '[]', '{}', 0, 0, 0, 0, ?,"
                + " FALSE, 0, FALSE, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, node);
            insert.setString(3, repo == null ? "deployment" : "git");
            insert.setString(4, dockerfile);
            insert.setInt(5, maxAttempts);
            insert.setLong(6, now);
            insert.setString(7, repo);
            insert.setString(8, commit);
            insert.setString(9, RunRepository.json(deploy));
            insert.setBoolean(10, manager);
            insert.executeUpdate();
        }
        RunRepository.event(c, id, 0, node, RunState.QUEUED, true, "queued for deployment " + deploy.deployment()
                + " (" + deploy.op() + ")", null, now);
    }

    /** Queues a serve run of the image on any live manager (the first to claim it). */
    private UUID queueServe(Connection c, Deployment d, String image, int revision, long now) throws SQLException {
        UUID id = UUID.randomUUID();
        Manifest.Config config = d.manifest().config();
        ServiceSpec spec = new ServiceSpec(ServiceSpec.serviceName(d.name()), d.name(), revision, image, config.port(),
                config.publish(), settings.publish(), config.replicas(), config.env(), config.cpus(),
                config.memoryBytes(), config.health(), settings.healthTimeout().toSeconds(), null, null);
        insertRun(c, id, "", "-", null, null, new RunDeploy(d.name(), "serve", repository(d.name()), null, null, spec,
                                                             null), true, SERVE_ATTEMPTS, now);
        return id;
    }

    // ---- following the runs ------------------------------------------------------------------------------------

    @Override
    public void ended(Connection c, Run run) throws SQLException {
        RunDeploy deploy = run.deploy();
        if (deploy == null) {
            return;
        }
        Optional<Row> found = find(c, deploy.deployment(), true);
        if (found.isEmpty()) {
            return;
        }
        Deployment d = found.get().deployment();
        long now = now();
        switch (deploy.op()) {
            case "build" -> build(c, d, run, now);
            case "serve" -> serve(c, d, run, now);
            case "remove" -> remove(c, d, run, now);
            default -> { }
        }
    }

    private void build(Connection c, Deployment d, Run run, long now) throws SQLException {
        if (!run.id().equals(d.buildRunId())) {
            return;
        }
        boolean update = d.serveRunId() != null;
        switch (run.state()) {
            case ASSIGNED -> status(c, d, update ? DeploymentStatus.UPDATING : DeploymentStatus.CLONING,
                                    "node " + run.node() + " clones " + d.repo() + " at " + tag(d.commit()), now);
            case BUILDING -> status(c, d, update ? DeploymentStatus.UPDATING : DeploymentStatus.BUILDING,
                                    "node " + run.node() + " builds the image", now);
            case RUNNING -> status(c, d, update ? DeploymentStatus.UPDATING : DeploymentStatus.PUSHING,
                                   "node " + run.node() + " pushes the image to the registry", now);
            case SUCCEEDED -> {
                String image = run.imageId();
                UUID serve = queueServe(c, d, image, d.revision(), now);
                if (d.serveRunId() != null) {
                    cancelRun(c, UUID.fromString(d.serveRunId()));
                }
                try (PreparedStatement update2 = c.prepareStatement("UPDATE deployments SET image = ?, previous_image"
                        + " = COALESCE(image, previous_image), serve_run = ?, failed_step = NULL, reason = NULL"
                        + " WHERE name = ?")) {
                    update2.setString(1, image);
                    update2.setObject(2, serve);
                    update2.setString(3, d.name());
                    update2.executeUpdate();
                }
                status(c, d, update ? DeploymentStatus.UPDATING : DeploymentStatus.STARTING, "pushed " + image
                        + "; a manager " + (update ? "updates the service (new replicas healthy before old ones stop)"
                        : "starts the service"), now);
            }
            case FAILED, LOST, CANCELLED -> {
                String step = switch (stepOf(c, run)) {
                    case ASSIGNED -> "cloning";
                    case RUNNING -> "pushing";
                    default -> "building";
                };
                String reason = "the " + step + " step failed: " + (run.reason() == null ? run.state().wire()
                        : run.reason()) + tail(c, run);
                fail(c, d, step, reason, update, now);
            }
            default -> { }
        }
    }

    private void serve(Connection c, Deployment d, Run run, long now) throws SQLException {
        if (!run.id().equals(d.serveRunId())) {
            return; // a serve run the deployment has moved on from (cancelled on an update): nothing to say
        }
        switch (run.state()) {
            case ASSIGNED -> event(c, d.name(), d.status(), "node " + run.node() + " "
                    + (run.attempt() > 1 ? "follows the service again (the agent before stopped answering)"
                    : "makes the service"), now);
            case RUNNING -> {
                DeploymentStatus to = d.status() == DeploymentStatus.ROLLED_BACK || isRollback(c, d)
                        ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.RUNNING;
                status(c, d, to, "healthy: " + d.replicasWanted() + "/" + d.replicasWanted() + " replicas run image "
                        + d.image() + " on port " + d.publishedPort() + " :image " + tagOf(d.image()), now);
                try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET replicas_running ="
                        + " replicas_wanted WHERE name = ?")) {
                    update.setString(1, d.name());
                    update.executeUpdate();
                }
            }
            case FAILED, CANCELLED -> {
                boolean update = d.previousImage() != null && d.revision() > 1;
                String reason = "the app did not start: " + (run.reason() == null ? run.state().wire()
                        : run.reason()) + tail(c, run);
                if (update && run.state() == RunState.FAILED) {
                    // the agent rolled the service back: follow what runs now, the previous image
                    UUID serve = queueServe(c, d, d.previousImage(), d.revision(), now);
                    try (PreparedStatement back = c.prepareStatement("UPDATE deployments SET image = ?,"
                            + " previous_image = NULL, serve_run = ?, failed_step = 'starting', reason = ? WHERE"
                            + " name = ?")) {
                        back.setString(1, d.previousImage());
                        back.setObject(2, serve);
                        back.setString(3, clean(reason, 7900));
                        back.setString(4, d.name());
                        back.executeUpdate();
                    }
                    status(c, d, DeploymentStatus.ROLLED_BACK, "the update failed and swarm rolled it back to "
                            + d.previousImage() + ": " + reason, now);
                } else if (run.state() == RunState.FAILED) {
                    fail(c, d, "starting", reason, false, now);
                }
            }
            default -> { }
        }
    }

    private void remove(Connection c, Deployment d, Run run, long now) throws SQLException {
        if (run.state() == RunState.SUCCEEDED) {
            try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET published_port = NULL,"
                    + " replicas_running = 0, serve_run = NULL WHERE name = ?")) {
                update.setString(1, d.name());
                update.executeUpdate();
            }
            status(c, d, DeploymentStatus.DESTROYED, "the service, its gateway and its images in the registry are"
                    + " gone", now);
        } else if (run.state().isFinal()) {
            fail(c, d, "destroying", "destroying failed: " + run.reason() + tail(c, run), false, now);
        }
    }

    private boolean isRollback(Connection c, Deployment d) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT status FROM deployment_events WHERE deployment = ?"
                + " ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
            read.setString(1, d.name());
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() && "rolled-back".equals(rs.getString(1));
            }
        }
    }

    private static String tagOf(String image) {
        if (image == null) {
            return "";
        }
        int at = image.indexOf('@');
        return at < 0 ? image : image.substring(at + 1);
    }

    /** The last state the run was in before it ended, from its accepted events. */
    private static RunState stepOf(Connection c, Run run) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT state FROM run_events WHERE run_id = ? AND accepted"
                + " AND state IN ('assigned', 'building', 'running') ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
            read.setObject(1, UUID.fromString(run.id()));
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? RunState.of(rs.getString(1)) : RunState.ASSIGNED;
            }
        }
    }

    /** The last lines of the run's log, as a reason's tail. */
    private static String tail(Connection c, Run run) throws SQLException {
        String text = RunRepository.tail(c, UUID.fromString(run.id()), 4096).strip();
        if (text.isEmpty()) {
            return "";
        }
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 15);
        return "\nlast lines:\n" + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    /** Text fit for a reason: control characters but line breaks replaced, cut short. */
    private static String clean(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char ch = text.charAt(i);
            out.append(ch == '\n' || !Character.isISOControl(ch) ? ch : '?');
        }
        return out.toString();
    }

    private void fail(Connection c, Deployment d, String step, String reason, boolean update, long now)
            throws SQLException {
        boolean serving = update && d.serveRunId() != null;
        try (PreparedStatement update2 = c.prepareStatement("UPDATE deployments SET failed_step = ?, reason = ?"
                + " WHERE name = ?")) {
            update2.setString(1, step);
            update2.setString(2, clean(reason, 7900));
            update2.setString(3, d.name());
            update2.executeUpdate();
        }
        status(c, d, DeploymentStatus.FAILED, "failed at " + step + ": " + reason, now);
        if (serving) {
            status(c, d, DeploymentStatus.RUNNING, "the update failed; revision " + (d.revision() - 1)
                    + " still runs " + d.image(), now);
        }
    }

    private static void cancelRun(Connection c, UUID run) throws SQLException {
        try (PreparedStatement cancel = c.prepareStatement("UPDATE runs SET cancel_requested = TRUE WHERE id = ?")) {
            cancel.setObject(1, run);
            cancel.executeUpdate();
        }
        // a serve run still queued (no manager took it yet) ends at once
        try (PreparedStatement end = c.prepareStatement("UPDATE runs SET state = 'cancelled', reason = 'superseded',"
                + " finished_us = ? WHERE id = ? AND state = 'queued'")) {
            end.setLong(1, Micros.of(java.time.Instant.now()));
            end.setObject(2, run);
            end.executeUpdate();
        }
    }

    private void status(Connection c, Deployment d, DeploymentStatus status, String detail, long now)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET status = ?, updated_us = ? WHERE"
                + " name = ?")) {
            update.setString(1, status.wire());
            update.setLong(2, now);
            update.setString(3, d.name());
            update.executeUpdate();
        }
        event(c, d.name(), status, detail, now);
    }

    private static void event(Connection c, String name, DeploymentStatus status, String detail, long now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO deployment_events (deployment, status,"
                + " detail, at_us) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, status.wire());
            insert.setString(3, Texts.printable(detail, 3900));
            insert.setLong(4, now);
            insert.executeUpdate();
        }
    }

    // ---- observations ------------------------------------------------------------------------------------------

    /** What swarm says of the service, from the agent holding the serve run; false when that run is not current. */
    boolean observe(String name, ServiceObservation seen) {
        return transactions.run(c -> {
            Optional<Row> found = find(c, name, true);
            if (found.isEmpty() || seen.runId() == null || !seen.runId().equals(found.get().deployment().serveRunId())) {
                return false;
            }
            Deployment d = found.get().deployment();
            long now = now();
            if (seen.running() != d.replicasRunning()) {
                String detail = tasksDetail(seen, swarmNodes(c));
                try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET replicas_running = ?,"
                        + " replicas_wanted = ?, updated_us = ? WHERE name = ?")) {
                    update.setInt(1, seen.running());
                    update.setInt(2, seen.wanted());
                    update.setLong(3, now);
                    update.setString(4, name);
                    update.executeUpdate();
                }
                event(c, name, d.status(), detail, now);
            }
            return true;
        });
    }

    /** Swarm's nodes as the managers' agents last reported them: id to {hostname, state}. */
    private static Map<String, String[]> swarmNodes(Connection c) throws SQLException {
        Map<String, String[]> nodes = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement("SELECT node_id, hostname, state FROM swarm_nodes");
             ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                nodes.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return nodes;
    }

    /**
     * What an observation whose count of running replicas changed says in the history: how many run and where
     * (task slot and node, by host name when swarm's nodes are known), the wanted tasks that do not run (yet), and
     * the tasks swarm stops, with their node's state when it is not ready. So a replica that moves when its node
     * dies shows as leaving that node (down) and running again on another.
     */
    static String tasksDetail(ServiceObservation seen, Map<String, String[]> swarmNodes) {
        StringBuilder detail = new StringBuilder(seen.running() + "/" + seen.wanted() + " replicas running");
        if (seen.tasks() == null) {
            return detail.toString();
        }
        List<ServiceObservation.Task> tasks = seen.tasks().stream()
                .sorted(Comparator.comparingInt(ServiceObservation.Task::slot)).toList();
        List<String> running = tasks.stream().filter(t -> "running".equals(t.state())
                && "running".equals(t.desiredState())).limit(10)
                .map(t -> "task " + t.slot() + " on " + nodeName(t.node(), swarmNodes, false)).toList();
        if (!running.isEmpty()) {
            detail.append(" (").append(String.join(", ", running)).append(')');
        }
        tasks.stream().filter(t -> !"running".equals(t.state()) && "running".equals(t.desiredState())
                        || t.error() != null && !t.error().isBlank())
                .limit(3).forEach(t -> detail.append("; task ").append(t.slot()).append(" on node ")
                        .append(nodeName(t.node(), swarmNodes, true)).append(' ').append(t.state())
                        .append(t.error() == null || t.error().isBlank() ? "" : ": " + t.error()));
        tasks.stream().filter(t -> "running".equals(t.state()) && t.desiredState() != null
                        && !"running".equals(t.desiredState()))
                .limit(3).forEach(t -> detail.append("; task ").append(t.slot()).append(" on node ")
                        .append(nodeName(t.node(), swarmNodes, true)).append(" stopping: swarm wants it ")
                        .append(t.desiredState()));
        return detail.toString();
    }

    /** A task's node by its host name (its id when swarm's nodes do not name it), with its state if not ready. */
    private static String nodeName(String id, Map<String, String[]> swarmNodes, boolean withState) {
        if (id == null || id.isBlank()) {
            return "(none yet)";
        }
        String[] node = swarmNodes.get(id);
        String name = node == null || node[0] == null || node[0].isBlank() ? id : node[0];
        return withState && node != null && node[1] != null && !"ready".equals(node[1])
                ? name + " (" + node[1] + ")" : name;
    }

    // ---- update, rollback, destroy -----------------------------------------------------------------------------

    /** Builds a new commit of the branch; the new serve run updates the service when the build is pushed. */
    Deployment update(String name, Source source, String node) {
        long now = now();
        transactions.run(c -> {
            Deployment d = live(c, name);
            UUID build = UUID.randomUUID();
            try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET commit_id = ?, manifest = ?,"
                    + " revision = revision + 1, build_run = ?, replicas_wanted = ?, updated_us = ? WHERE name = ?")) {
                update.setString(1, source.commit());
                update.setString(2, RunRepository.json(source.manifest()));
                update.setObject(3, build);
                update.setInt(4, source.manifest().config().replicas());
                update.setLong(5, now);
                update.setString(6, name);
                update.executeUpdate();
            }
            queueBuild(c, name, build, source, node, d.revision() + 1, now);
            status(c, d, DeploymentStatus.UPDATING, "update to " + tag(source.commit()) + " (from "
                    + tag(d.commit()) + "): build queued for node " + node, now);
            return null;
        });
        return one(name).orElseThrow();
    }

    /** Goes back to the previous image: a serve run of it (the service is updated the same rolling way). */
    Deployment rollback(String name) {
        long now = now();
        transactions.run(c -> {
            Deployment d = live(c, name);
            if (d.previousImage() == null) {
                throw new ProblemException(409, "no-previous-image", "Nothing to roll back to", "Deployment '" + name
                        + "' has run one image only (" + d.image() + ").");
            }
            Deployment next = new Deployment(d.name(), d.repo(), d.branch(), d.commit(), d.manifest(), d.status(),
                    null, null, d.revision() + 1, d.previousImage(), d.image(), d.replicasRunning(), d.replicasWanted(),
                    d.publishedPort(), null, null, null, d.buildRunId(), d.serveRunId(), d.createdAt(), d.updatedAt(),
                    null);
            UUID serve = queueServe(c, next, d.previousImage(), d.revision() + 1, now);
            if (d.serveRunId() != null) {
                cancelRun(c, UUID.fromString(d.serveRunId()));
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET image = ?, previous_image = ?,"
                    + " revision = revision + 1, serve_run = ?, failed_step = NULL, reason = NULL WHERE name = ?")) {
                update.setString(1, d.previousImage());
                update.setString(2, d.image());
                update.setObject(3, serve);
                update.setString(4, name);
                update.executeUpdate();
            }
            status(c, d, DeploymentStatus.ROLLED_BACK, "rolling back to " + d.previousImage() + " (from "
                    + d.image() + ")", now);
            return null;
        });
        return one(name).orElseThrow();
    }

    /** Stops following the service and queues its removal (service, gateway, images) on a manager. */
    Deployment destroy(String name) {
        long now = now();
        transactions.run(c -> {
            Deployment d = live(c, name);
            for (String run : new String[] {d.serveRunId(), d.buildRunId()}) {
                if (run != null) {
                    cancelRun(c, UUID.fromString(run));
                }
            }
            ServiceSpec spec = new ServiceSpec(ServiceSpec.serviceName(name), name, d.revision(), d.image(), 0,
                    d.publishedPort(), settings.publish(), 0, Map.of(), 0, 0, null, 0, null, null);
            insertRun(c, UUID.randomUUID(), "", "-", null, null, new RunDeploy(name, "remove", repository(name), null,
                    null, spec, List.of()), true, SERVE_ATTEMPTS, now);
            try (PreparedStatement update = c.prepareStatement("UPDATE deployments SET serve_run = NULL WHERE name"
                    + " = ?")) {
                update.setString(1, name);
                update.executeUpdate();
            }
            status(c, d, DeploymentStatus.DESTROYING, "a manager removes the service, its gateway and its images", now);
            return null;
        });
        return one(name).orElseThrow();
    }

    private static Deployment live(Connection c, String name) throws SQLException {
        Deployment d = find(c, name, true).map(Row::deployment).orElseThrow(() -> notFound(name));
        if (d.status() == DeploymentStatus.DESTROYED || d.status() == DeploymentStatus.DESTROYING) {
            throw new ProblemException(409, "deployment-destroyed", "Deployment destroyed", "Deployment '" + name
                    + "' is " + d.status().wire() + ".");
        }
        return d;
    }

    static ProblemException notFound(String name) {
        return new ProblemException(404, "deployment-not-found", "Deployment not found", "No deployment '"
                + Texts.printable(name, 80) + "'.");
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    /** One deployment with its history and its resource use. */
    Optional<Deployment> one(String name) {
        return transactions.run(c -> {
            Optional<Row> row = find(c, name, false);
            if (row.isEmpty()) {
                return Optional.<Deployment>empty();
            }
            Deployment d = row.get().deployment();
            return Optional.of(with(d, nodes.deploymentUse(c).get(name), history(c, name)));
        });
    }

    /** Every deployment with its resource use, by name. */
    List<Deployment> all() {
        return transactions.run(c -> {
            Map<String, NodeHeartbeat.DeploymentUse> use = nodes.deploymentUse(c);
            List<Deployment> all = new ArrayList<>();
            try (PreparedStatement read = c.prepareStatement("SELECT " + COLUMNS + " FROM deployments ORDER BY name");
                 ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    Deployment d = row(rs);
                    all.add(with(d, use.get(d.name()), null));
                }
            }
            return all;
        });
    }

    /** The deployment with its use summed over the live nodes (null: none reports it) and its history. */
    private static Deployment with(Deployment d, NodeHeartbeat.DeploymentUse use, List<DeploymentEvent> history) {
        return new Deployment(d.name(), d.repo(), d.branch(), d.commit(), d.manifest(), d.status(), d.failedStep(),
                d.reason(), d.revision(), d.image(), d.previousImage(), d.replicasRunning(), d.replicasWanted(),
                d.publishedPort(), use == null ? null : use.cpuPercent(), use == null ? null : use.memoryBytes(),
                use == null ? null : use.containers(), d.buildRunId(), d.serveRunId(), d.createdAt(), d.updatedAt(),
                history);
    }

    private static List<DeploymentEvent> history(Connection c, String name) throws SQLException {
        List<DeploymentEvent> events = new ArrayList<>();
        try (PreparedStatement read = c.prepareStatement("SELECT seq, status, detail, at_us FROM deployment_events"
                + " WHERE deployment = ? ORDER BY deployment, seq")) {
            read.setString(1, name);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String detail = rs.getString(3);
                    int marker = detail.indexOf(" :image ");
                    events.add(new DeploymentEvent(rs.getLong(1), DeploymentStatus.of(rs.getString(2)),
                            marker < 0 ? detail : detail.substring(0, marker), RunRepository.instant(rs.getLong(4))));
                }
            }
        }
        return events;
    }

    private static Optional<Row> find(Connection c, String name, boolean lock) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT " + COLUMNS + " FROM deployments WHERE name = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            read.setString(1, name);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(new Row(row(rs))) : Optional.empty();
            }
        }
    }

    private static Deployment row(ResultSet rs) throws SQLException {
        Manifest manifest;
        try {
            manifest = Json.MAPPER.readValue(rs.getString(5), Manifest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int port = rs.getInt(14);
        boolean noPort = rs.wasNull();
        Object build = rs.getObject(15);
        Object serve = rs.getObject(16);
        return new Deployment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), manifest,
                DeploymentStatus.of(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10),
                rs.getString(11), rs.getInt(12), rs.getInt(13), noPort ? manifest.config().publish() : port, null, null,
                null, build == null ? null : build.toString(), serve == null ? null : serve.toString(),
                RunRepository.instant(rs.getLong(17)), RunRepository.instant(rs.getLong(18)), null);
    }
}
