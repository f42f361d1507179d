package io.dockhand.agent.executor;

/**
 * A started task.
 *
 * @param taskId      the id its spec gave it
 * @param containerId the engine's id of its container
 */
public record TaskHandle(String taskId, String containerId) {
}
