package io.dockhand.api;

import java.time.Instant;
import java.util.List;

/**
 * What swarm says of a deployment's service, posted by the agent holding its serve run.
 *
 * @param runId   the serve run
 * @param node    the posting agent's node
 * @param attempt the serve run's attempt it holds
 * @param image   the image the service runs
 * @param wanted  the replicas it asks for
 * @param running the tasks running (and healthy, when it has a health check)
 * @param tasks   its tasks, newest first
 */
public record ServiceObservation(String runId, String node, int attempt, String image, int wanted, int running,
                                 List<Task> tasks) {

    /**
     * One task.
     *
     * @param id           the task's id
     * @param node         the node it is on (its id)
     * @param slot         its slot
     * @param state        swarm's state (running, failed, shutdown, …)
     * @param desiredState what swarm wants it to be
     * @param message      swarm's message
     * @param error        its error, if any
     * @param at           when its state last changed
     */
    public record Task(String id, String node, int slot, String state, String desiredState, String message,
                       String error, Instant at) {
    }
}
