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
 * @param deployments       what each deployment's containers on this node use, one entry per deployment with
 *                          containers measured here (an empty list when there is none); null when the agent does
 *                          not say (an agent older than this field, or one whose engine is not answering): unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeHeartbeat(String hostname, String swarmNodeId, String role, String address, Integer cpus,
                            Long memoryBytes, String engineVersion, String agentVersion, Map<String, String> labels,
                            Integer containersRunning, List<Lease> leases, List<SwarmNode> swarmNodes,
                            List<DeploymentUse> deployments) {

    /** A run the agent holds: its id and the attempt it claimed. */
    public record Lease(String runId, int attempt) {
    }

    /**
     * What one deployment's running containers use: on one node in a heartbeat, or over the live nodes when the store
     * sums them.
     *
     * @param name        the deployment
     * @param containers  how many of its containers the figures cover (its app's replicas, not its gateway's)
     * @param cpuPercent  their CPU use, summed, as {@code docker stats} shows it (100 is one full core)
     * @param memoryBytes their memory use without the page cache, summed, as {@code docker stats} shows it
     */
    public record DeploymentUse(String name, int containers, double cpuPercent, long memoryBytes) {
    }
}
