package io.dockhand.agent.engine;

/**
 * One address a container has on one network of this node.
 *
 * @param containerId full container id
 * @param network     network name
 * @param address     IP address, without prefix length
 */
public record Attachment(String containerId, String network, String address) {

    /** The network through which swarm tasks reach their node; container inspection does not show it. */
    public static final String GATEWAY_BRIDGE = "docker_gwbridge";

    /** Whether container inspection shows this address (it does not for the swarm gateway bridge). */
    public boolean visibleInInspect() {
        return !GATEWAY_BRIDGE.equals(network);
    }
}
