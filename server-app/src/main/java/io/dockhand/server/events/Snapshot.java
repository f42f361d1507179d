package io.dockhand.server.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the store looks like to the change feed at one moment: a handful of cheap values (maxima of keys read from
 * their primary keys, the few unfinished runs, the nodes' up/down state), compared with the previous moment's to
 * name what changed. Nothing here reads a whole large table.
 */
record Snapshot(long runsSeq, long runEventsSeq, Map<String, String> unfinishedRuns, String nodes, String jobs,
                long deploymentsUpdated, long deploymentEventsSeq, String deploymentUse, long recordsSeq) {

    /** At most this many unfinished runs are compared one by one; past it a change of the maxima says "runs". */
    static final int MAX_UNFINISHED = 2000;

    static Snapshot read(Connection c, long upSinceUs) throws SQLException {
        return new Snapshot(max(c, "SELECT MAX(seq) FROM runs"), max(c, "SELECT MAX(seq) FROM run_events"),
                unfinished(c), nodes(c, upSinceUs), jobs(c),
                max(c, "SELECT MAX(updated_us) FROM deployments"), max(c, "SELECT MAX(seq) FROM deployment_events"),
                deploymentUse(c, upSinceUs), max(c, "SELECT MAX(seq) FROM records"));
    }

    private static long max(Connection c, String sql) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(sql); ResultSet rs = read.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static Map<String, String> unfinished(Connection c) throws SQLException {
        Map<String, String> runs = new LinkedHashMap<>();
        try (PreparedStatement read = c.prepareStatement("SELECT id, state, cancel_requested FROM runs WHERE state IN"
                + " ('queued', 'assigned', 'building', 'running') ORDER BY seq DESC FETCH FIRST " + MAX_UNFINISHED
                + " ROWS ONLY"); ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                runs.put(rs.getString(1), rs.getString(2) + (rs.getBoolean(3) ? "!" : ""));
            }
        }
        return runs;
    }

    private static String nodes(Connection c, long upSinceUs) throws SQLException {
        StringBuilder print = new StringBuilder();
        try (PreparedStatement read = c.prepareStatement("SELECT n.id, n.last_heartbeat_us >= ?, n.containers_running,"
                + " n.cpus, n.memory_bytes, s.state, s.availability FROM nodes n LEFT JOIN swarm_nodes s"
                + " ON s.node_id = n.swarm_node_id ORDER BY n.id")) {
            read.setLong(1, upSinceUs);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    for (int i = 1; i <= 7; i++) {
                        print.append(rs.getString(i)).append(i == 7 ? '\n' : ' ');
                    }
                }
            }
        }
        return print.toString();
    }

    /** What the live nodes' agents last said their deployments' containers use (a few hundred bytes a node). */
    private static String deploymentUse(Connection c, long upSinceUs) throws SQLException {
        StringBuilder print = new StringBuilder();
        try (PreparedStatement read = c.prepareStatement("SELECT id, deployment_use FROM nodes"
                + " WHERE last_heartbeat_us >= ? AND deployment_use IS NOT NULL ORDER BY id")) {
            read.setLong(1, upSinceUs);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    print.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
                }
            }
        }
        return print.toString();
    }

    private static String jobs(Connection c) throws SQLException {
        StringBuilder print = new StringBuilder();
        print.append(max(c, "SELECT MAX(seq) FROM job_tasks")).append(' ')
                .append(max(c, "SELECT MAX(seq) FROM job_results")).append(' ');
        try (PreparedStatement read = c.prepareStatement("SELECT state, COUNT(*) FROM job_tasks GROUP BY state"
                + " ORDER BY state"); ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                print.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(' ');
            }
        }
        return print.toString();
    }

    boolean runsChanged(Snapshot before) {
        return runsSeq != before.runsSeq || runEventsSeq != before.runEventsSeq
                || !unfinishedRuns.equals(before.unfinishedRuns);
    }

    /** The runs that appeared, changed state or left the unfinished ones since {@code before}. */
    java.util.Set<String> changedRuns(Snapshot before) {
        java.util.Set<String> changed = new java.util.TreeSet<>();
        unfinishedRuns.forEach((id, state) -> {
            if (!state.equals(before.unfinishedRuns.get(id))) {
                changed.add(id);
            }
        });
        before.unfinishedRuns.keySet().forEach(id -> {
            if (!unfinishedRuns.containsKey(id)) {
                changed.add(id);
            }
        });
        return changed;
    }

    boolean nodesChanged(Snapshot before) {
        return !nodes.equals(before.nodes);
    }

    boolean jobsChanged(Snapshot before) {
        return !jobs.equals(before.jobs);
    }

    boolean deploymentsChanged(Snapshot before) {
        return deploymentsUpdated != before.deploymentsUpdated || deploymentEventsSeq != before.deploymentEventsSeq;
    }

    /** Whether a deployment's resource use may have changed (it does with nearly every heartbeat). */
    boolean deploymentUseChanged(Snapshot before) {
        return !deploymentUse.equals(before.deploymentUse);
    }

    boolean recordsChanged(Snapshot before) {
        return recordsSeq != before.recordsSeq;
    }
}
