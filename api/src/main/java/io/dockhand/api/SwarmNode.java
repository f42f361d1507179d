package io.dockhand.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Swarm's own view of a node, as a manager's engine reports it ({@code docker node ls}).
 *
 * @param nodeId       swarm node id
 * @param hostname     the node's host name
 * @param role         {@code manager} or {@code worker}
 * @param state        {@code ready}, {@code down}, {@code unknown} or {@code disconnected}
 * @param availability {@code active}, {@code pause} or {@code drain}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SwarmNode(String nodeId, String hostname, String role, String state, String availability) {
}
