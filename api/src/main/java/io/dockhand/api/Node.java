package io.dockhand.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A node as the control plane knows it: the body of {@code GET /api/v1/nodes/{id}} and an item of
 * {@code GET /api/v1/nodes}.
 *
 * @param id                the node's id: its swarm node id in a swarm, else its host name (the agent's
 *                          {@code agent.node} overrides)
 * @param status            {@code up}, or {@code down} when its agent has been silent longer than the store's
 *                          {@code store.nodes.downafter} (10 s)
 * @param hostname          host name
 * @param swarmNodeId       swarm node id, null outside a swarm
 * @param role              {@code manager} or {@code worker}
 * @param address           the address it is reached at
 * @param cpus              logical CPUs
 * @param memoryBytes       total memory
 * @param engineVersion     Docker Engine version
 * @param agentVersion      its agent's version
 * @param labels            node labels
 * @param containersRunning containers running on it, at the last heartbeat
 * @param runsInProgress    runs assigned, building or running on it now
 * @param runsQueued        runs queued for it
 * @param lastHeartbeat     when its agent was last heard from
 * @param registeredAt      when its agent first registered it
 * @param swarm             swarm's own view of it (from a manager's agent), null when none has reported it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Node(String id, String status, String hostname, String swarmNodeId, String role, String address,
                   Integer cpus, Long memoryBytes, String engineVersion, String agentVersion,
                   Map<String, String> labels, Integer containersRunning, int runsInProgress, int runsQueued,
                   Instant lastHeartbeat, Instant registeredAt, SwarmNode swarm) {
}
