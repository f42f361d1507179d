/**
 * What the agent needs from the Docker Engine, as plain records behind the {@link io.dockhand.agent.engine.Engine}
 * interface, and the Docker implementation of the executor seam, {@link io.dockhand.agent.engine.DockerDriver}.
 * docker-java types live in this package only, in its {@code Docker*} classes; none appears in a public signature.
 */
package io.dockhand.agent.engine;
