package io.dockhand.server.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dockhand.api.Node;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.SwarmNode;
import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

/** The nodes table and swarm's view of the nodes, over JDBC. */
public final class NodeRepository {
    private static final String COLUMNS = "id, hostname, swarm_node_id, role, address, cpus, memory_bytes,"
            + " engine_version, agent_version, labels, containers_running, last_heartbeat_us, registered_us";
    private final Transactions transactions;
    private final Clock clock;
    private final Duration downAfter;

    public NodeRepository(Transactions transactions, Clock clock, Duration downAfter) {
        this.transactions = transactions;
        this.clock = clock;
        this.downAfter = downAfter;
    }

    /** Stores a heartbeat's facts (registering the node the first time) and swarm's view it carries. */
    public void upsert(Connection c, String id, NodeHeartbeat beat) throws SQLException {
        long now = Micros.of(clock.instant());
        String set = "hostname = ?, swarm_node_id = ?, role = ?, address = ?, cpus = ?, memory_bytes = ?,"
                + " engine_version = ?, agent_version = ?, labels = ?, containers_running = ?, last_heartbeat_us = ?,"
                + " deployment_use = ?";
        int updated;
        try (PreparedStatement update = c.prepareStatement("UPDATE nodes SET " + set + " WHERE id = ?")) {
            bind(update, beat, now);
            update.setString(13, id);
            updated = update.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO nodes (hostname, swarm_node_id, role,"
                    + " address, cpus, memory_bytes, engine_version, agent_version, labels, containers_running,"
                    + " last_heartbeat_us, deployment_use, id, registered_us)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, beat, now);
                insert.setString(13, id);
                insert.setLong(14, now);
                insert.executeUpdate();
            }
        }
        for (SwarmNode swarm : beat.swarmNodes() == null ? List.<SwarmNode>of() : beat.swarmNodes()) {
            if (swarm == null || swarm.nodeId() == null || swarm.nodeId().isBlank()) {
                continue;
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE swarm_nodes SET hostname = ?, role = ?,"
                    + " state = ?, availability = ?, reported_us = ? WHERE node_id = ?")) {
                swarm(update, swarm, now);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO swarm_nodes (hostname, role,"
                            + " state, availability, reported_us, node_id) VALUES (?, ?, ?, ?, ?, ?)")) {
                        swarm(insert, swarm, now);
                        insert.executeUpdate();
                    }
                }
            }
        }
    }

    private static void swarm(PreparedStatement s, SwarmNode swarm, long now) throws SQLException {
        s.setString(1, cut(swarm.hostname(), 255));
        s.setString(2, cut(swarm.role(), 32));
        s.setString(3, cut(swarm.state(), 32));
        s.setString(4, cut(swarm.availability(), 32));
        s.setLong(5, now);
        s.setString(6, cut(swarm.nodeId(), 128));
    }

    private static void bind(PreparedStatement s, NodeHeartbeat beat, long now) throws SQLException {
        s.setString(1, cut(beat.hostname(), 255));
        s.setString(2, cut(beat.swarmNodeId(), 128));
        s.setString(3, cut(beat.role(), 32));
        s.setString(4, cut(beat.address(), 255));
        setInt(s, 5, beat.cpus());
        if (beat.memoryBytes() == null) {
            s.setNull(6, Types.BIGINT);
        } else {
            s.setLong(6, beat.memoryBytes());
        }
        s.setString(7, cut(beat.engineVersion(), 128));
        s.setString(8, cut(beat.agentVersion(), 128));
        String labels = beat.labels() == null ? null : json(beat.labels());
        if (labels != null && labels.length() > MAX_LABELS) {
            throw new ProblemException(422, "invalid-body", "Unprocessable content", "labels take " + labels.length()
                    + " characters as JSON; at most " + MAX_LABELS + ".");
        }
        s.setString(9, labels);
        setInt(s, 10, beat.containersRunning());
        s.setLong(11, now);
        s.setString(12, beat.deployments() == null ? null : json(beat.deployments()));
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setInt(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    /** The labels column's size, in characters of JSON. */
    static final int MAX_LABELS = 100_000;

    /**
     * What each deployment's containers use, summed over the nodes that are up (by their agents' latest heartbeats),
     * by deployment name; a deployment no live node reports is absent (unknown). CPU is rounded to hundredths.
     */
    public Map<String, NodeHeartbeat.DeploymentUse> deploymentUse(Connection c) throws SQLException {
        long upSince = Micros.of(clock.instant()) - downAfter.toNanos() / 1000;
        Map<String, NodeHeartbeat.DeploymentUse> sums = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement("SELECT deployment_use FROM nodes WHERE last_heartbeat_us >= ?"
                + " AND deployment_use IS NOT NULL")) {
            read.setLong(1, upSince);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    for (NodeHeartbeat.DeploymentUse use : uses(rs.getString(1))) {
                        sums.merge(use.name(), use, (a, b) -> new NodeHeartbeat.DeploymentUse(a.name(),
                                a.containers() + b.containers(), a.cpuPercent() + b.cpuPercent(),
                                a.memoryBytes() + b.memoryBytes()));
                    }
                }
            }
        }
        sums.replaceAll((name, use) -> new NodeHeartbeat.DeploymentUse(name, use.containers(),
                Math.round(use.cpuPercent() * 100) / 100.0, use.memoryBytes()));
        return sums;
    }

    private static List<NodeHeartbeat.DeploymentUse> uses(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<NodeHeartbeat.DeploymentUse>>() { });
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** Every node, by id. */
    public List<Node> all() {
        return transactions.run(c -> read(c, null));
    }

    /** One node. */
    public Optional<Node> find(String id) {
        return transactions.run(c -> read(c, id)).stream().findFirst();
    }

    /** One node, on this connection. */
    public Optional<Node> find(Connection c, String id) throws SQLException {
        return read(c, id).stream().findFirst();
    }

    /**
     * The live node a run goes to: the fewest runs in progress, then the fewest queued, then the id; empty when no
     * node is up.
     */
    public Optional<Node> leastBusy() {
        return leastBusy(0, 0);
    }

    /** Whether a run with these limits (0 for none) fits the node (a node that does not say what it has fits). */
    public static boolean fits(Node node, double cpus, long memoryBytes) {
        return (node.cpus() == null || cpus <= node.cpus())
                && (node.memoryBytes() == null || memoryBytes <= node.memoryBytes());
    }

    /** The least busy live node that the limits fit (0 for none); empty when no live node fits. */
    public Optional<Node> leastBusy(double cpus, long memoryBytes) {
        return live().stream().filter(n -> fits(n, cpus, memoryBytes))
                .min(Comparator.comparingInt(Node::runsInProgress).thenComparingInt(Node::runsQueued)
                             .thenComparing(Node::id));
    }

    /** The least busy live node whose agent runs on a swarm manager (deployments' services are made there). */
    public Optional<Node> leastBusyManager() {
        return live().stream().filter(n -> "manager".equals(n.role()))
                .min(Comparator.comparingInt(Node::runsInProgress).thenComparingInt(Node::runsQueued)
                             .thenComparing(Node::id));
    }

    /** The nodes that are up. */
    public List<Node> live() {
        return all().stream().filter(n -> "up".equals(n.status())).toList();
    }

    /** Ids of the nodes that are down (silent longer than downafter). */
    public List<String> down() {
        return all().stream().filter(n -> !"up".equals(n.status())).map(Node::id).toList();
    }

    private List<Node> read(Connection c, String id) throws SQLException {
        Map<String, int[]> load = RunRepository.load(c);
        Map<String, SwarmNode> swarm = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement("SELECT node_id, hostname, role, state, availability"
                + " FROM swarm_nodes"); ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                swarm.put(rs.getString(1), new SwarmNode(rs.getString(1), rs.getString(2), rs.getString(3),
                                                         rs.getString(4), rs.getString(5)));
            }
        }
        long now = Micros.of(clock.instant());
        long limit = downAfter.toNanos() / 1000;
        List<Node> nodes = new ArrayList<>();
        try (PreparedStatement read = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes"
                + (id == null ? "" : " WHERE id = ?") + " ORDER BY id")) {
            if (id != null) {
                read.setString(1, id);
            }
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String nodeId = rs.getString(1);
                    long last = rs.getLong(12);
                    int[] counts = load.getOrDefault(nodeId, new int[2]);
                    String swarmId = rs.getString(3);
                    nodes.add(new Node(nodeId, now - last > limit ? "down" : "up", rs.getString(2), swarmId,
                            rs.getString(4), rs.getString(5), integer(rs, 6), longValue(rs, 7), rs.getString(8),
                            rs.getString(9), labels(rs.getString(10)), integer(rs, 11), counts[0], counts[1],
                            RunRepositoryTimes.instant(last), RunRepositoryTimes.instant(rs.getLong(13)),
                            swarm.get(swarmId != null ? swarmId : nodeId)));
                }
            }
        }
        return nodes;
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long longValue(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Map<String, String> labels(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** Microseconds to instants. */
    private static final class RunRepositoryTimes {
        static Instant instant(long us) {
            return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
        }
    }
}
