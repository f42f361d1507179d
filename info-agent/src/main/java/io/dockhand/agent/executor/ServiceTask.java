package io.dockhand.agent.executor;

import java.time.Instant;

/**
 * One task of a swarm service.
 *
 * @param id           its id
 * @param node         the node it is on
 * @param slot         its slot (0 for a global service's)
 * @param image        the image it runs
 * @param state        swarm's state ({@code running}, {@code starting}, {@code failed}, ...)
 * @param desiredState what swarm wants it to be
 * @param message      swarm's message
 * @param error        its error, null when none
 * @param at           when its state last changed
 * @param exitCode     its container's exit code, null while it runs
 */
public record ServiceTask(String id, String node, int slot, String image, String state, String desiredState,
                          String message, String error, Instant at, Integer exitCode) {

    /** Whether it runs (and, with a health check, is healthy: swarm keeps it {@code starting} until then). */
    public boolean running() {
        return "running".equals(state);
    }
}
