package io.dockhand.agent.engine;

import java.util.List;
import java.util.Map;

import io.dockhand.api.SwarmNode;

/**
 * What the agent tells the control plane about its node in every heartbeat, read from the engine.
 *
 * @param hostname          the engine's host name
 * @param swarmNodeId       swarm node id, null outside a swarm
 * @param role              {@code manager} or {@code worker}, null outside a swarm
 * @param swarmAddress      the node's address in the swarm, null outside a swarm
 * @param cpus              logical CPUs
 * @param memoryBytes       total memory
 * @param engineVersion     Docker Engine version
 * @param labels            the swarm node's labels on a manager (a worker may not read them: its engine's labels
 *                          then), the engine's labels outside a swarm
 * @param containersRunning running containers
 * @param swarmNodes        swarm's view of every node when this node is a manager, else empty
 */
public record NodeDescription(String hostname, String swarmNodeId, String role, String swarmAddress, Integer cpus,
                              Long memoryBytes, String engineVersion, Map<String, String> labels,
                              Integer containersRunning, List<SwarmNode> swarmNodes) {

    public NodeDescription {
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        swarmNodes = List.copyOf(swarmNodes == null ? List.of() : swarmNodes);
    }
}
