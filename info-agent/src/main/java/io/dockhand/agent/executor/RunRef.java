package io.dockhand.agent.executor;

import java.util.regex.Pattern;

/**
 * Which run (and which claim of it) a task or an image belongs to. The driver writes it into the reserved labels of
 * the task's container ({@code io.dockhand.run}, {@code io.dockhand.attempt}, {@code io.dockhand.node}), so an agent
 * that restarts can find the containers of its node's runs and settle each.
 *
 * @param runId   the run's id
 * @param attempt the attempt the agent claimed
 * @param node    the node's id, as the agent registers it
 */
public record RunRef(String runId, int attempt, String node) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public RunRef {
        if (runId == null || !ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("Not a run id: " + runId);
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("Attempt must not be negative: " + attempt);
        }
        if (node == null || !ID.matcher(node).matches()) {
            throw new IllegalArgumentException("Not a node id: " + node);
        }
    }
}
