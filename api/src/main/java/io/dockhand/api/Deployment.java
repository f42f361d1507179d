package io.dockhand.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An app deployed from git as a swarm service.
 *
 * @param name            its name (unique)
 * @param repo            its repository
 * @param branch          the branch it follows
 * @param commit          the commit it runs (or is being deployed)
 * @param manifest        the manifest read at that commit
 * @param status          where it is
 * @param failedStep      the step it failed at (cloning, building, pushing, starting), when failed
 * @param reason          why it failed, with the build log's or the app's last lines
 * @param revision        1 for the first deploy, +1 for each update and rollback
 * @param image           the image it runs, by digest in the registry
 * @param previousImage   the image before (what a rollback goes back to)
 * @param replicasRunning its replicas running (healthy), as swarm says
 * @param replicasWanted  the replicas it asks for
 * @param publishedPort   the port it answers on, on every node
 * @param cpuPercent      its replicas' CPU use, summed over the nodes that are up from their agents' latest
 *                        heartbeats (100 is one full core), null when no live node reports any of its containers
 * @param memoryBytes     their memory use without the page cache, summed the same way, null when unknown
 * @param measuredContainers how many of its containers those figures cover (fewer than its replicas while one
 *                        is just starting or its node's agent is silent), null when unknown
 * @param buildRunId      the run that builds the current revision (its log is the build log)
 * @param serveRunId      the run that starts and follows the service (its log is the service's output)
 * @param createdAt       when it was first requested
 * @param updatedAt       when its status last changed
 * @param history         every step, oldest first (in the one-deployment view; null in listings)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deployment(String name, String repo, String branch, String commit, Manifest manifest,
                         DeploymentStatus status, String failedStep, String reason, int revision, String image,
                         String previousImage, int replicasRunning, int replicasWanted, int publishedPort,
                         Double cpuPercent, Long memoryBytes, Integer measuredContainers, String buildRunId,
                         String serveRunId, Instant createdAt, Instant updatedAt, List<DeploymentEvent> history) {
}
