package io.dockhand.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A container's facts about itself as its node's agent reads them from the Docker Engine: the body of
 * {@link Paths#AGENT_SELF}, and what a client posts to {@link Paths#RECORDS}. Absent facts are left out.
 *
 * @param containerId      full container id (64 hex characters)
 * @param name             the name {@code docker ps} shows, without a leading {@code /}
 * @param image            the image as the container was created from it
 * @param imageId          the image's id
 * @param node             the node's host name
 * @param nodeId           the swarm node id
 * @param state            the engine's state ({@code running}, ...)
 * @param createdAt        when the container was created
 * @param labels           the container's labels
 * @param networks         network name to the container's address on it
 * @param service          the swarm service, for a task's container
 * @param task             the swarm task, for a task's container
 * @param cpuPercent       CPU use, percent of one CPU
 * @param memoryBytes      memory in use
 * @param memoryLimitBytes memory limit
 * @param observedAt       when the agent observed it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerFacts(String containerId, String name, String image, String imageId, String node,
                             String nodeId, String state, Instant createdAt, Map<String, String> labels,
                             Map<String, String> networks, String service, String task, Double cpuPercent,
                             Long memoryBytes, Long memoryLimitBytes, Instant observedAt) {
}
