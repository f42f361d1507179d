package io.dockhand.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An agent's heartbeat ({@code PUT /api/v1/nodes/{id}}, about every 2 s): it registers the node on the first one,
 * refreshes what the node is, and extends the lease of every run it names. The answer is a
 * {@link HeartbeatAnswer}.
 *
 * @param hostname          the node's host name
 * @param swarmNodeId       its swarm node id, null outside a swarm
 * @param role              {@code manager} or {@code worker}, null outside a swarm
 * @param address           the address the node is reached at (its swarm address, else its agent's)
 * @param cpus              logical CPUs
 * @param memoryBytes       total memory
 * @param engineVersion     Docker Engine version
 * @param agentVersion      the agent's version
 * @param labels            the node's swarm labels (engine labels outside a swarm)
 * @param containersRunning containers running on the node
 * @param leases            the runs this agent holds and works on now
 * @param swarmNodes        swarm's view of every node, when this agent's node is a manager (else empty)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeHeartbeat(String hostname, String swarmNodeId, String role, String address, Integer cpus,
                            Long memoryBytes, String engineVersion, String agentVersion, Map<String, String> labels,
                            Integer containersRunning, List<Lease> leases, List<SwarmNode> swarmNodes) {

    /** A run the agent holds: its id and the attempt it claimed. */
    public record Lease(String runId, int attempt) {
    }
}
