/**
 * The agent's executor seam: what it takes to build an image from an uploaded context and run one task of a run on
 * this node, shaped after Nomad's task-driver interface ({@code plugins/drivers/driver.go}: start, wait, stop,
 * destroy, inspect, stats, events). {@link io.dockhand.agent.executor.TaskDriver} is the seam; its records are
 * plain values with no Docker types, so the work loop and its tests never see docker-java.
 * {@link io.dockhand.agent.engine.DockerDriver} is the Docker implementation.
 *
 * <p>Security is a property of the types: {@link io.dockhand.agent.executor.TaskSpec} has no field for privileged
 * mode, host networking, host paths or the Docker socket, so no caller can ask for them.
 */
package io.dockhand.agent.executor;
