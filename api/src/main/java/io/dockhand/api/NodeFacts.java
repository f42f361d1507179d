package io.dockhand.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The node an agent runs on, as its engine describes it: the body of {@link Paths#AGENT_NODE}.
 *
 * @param hostname          the engine's host name (the node's, even when the agent runs in a container)
 * @param nodeId            swarm node id, null outside a swarm
 * @param role              {@code manager} or {@code worker}, null outside a swarm
 * @param cpus              logical CPUs
 * @param memoryBytes       total memory
 * @param engineVersion     Docker Engine version
 * @param containersRunning running containers
 * @param observedAt        when the engine answered
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeFacts(String hostname, String nodeId, String role, Integer cpus, Long memoryBytes,
                        String engineVersion, Integer containersRunning, Instant observedAt) {
}
