package io.dockhand.api;

import java.util.List;

/**
 * The store's answer to a heartbeat.
 *
 * @param node         the node as the store now has it
 * @param leaseSeconds how long each extended lease now lasts
 * @param stop         runs the agent named that it must stop and remove now: cancelled by a user, or no longer
 *                     its own (the lease expired, the run is final); each with why
 */
public record HeartbeatAnswer(Node node, long leaseSeconds, List<Stop> stop) {

    /**
     * A run to stop.
     *
     * @param runId   the run
     * @param attempt the attempt the agent named
     * @param why     {@code cancelled} (report {@code cancelled} once stopped) or {@code lease-lost} (just stop,
     *                remove, and report; the report is recorded late)
     */
    public record Stop(String runId, int attempt, String why) {
    }
}
