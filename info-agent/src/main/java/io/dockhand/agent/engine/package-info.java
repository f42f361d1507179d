/**
 * What the agent needs from the Docker Engine, as plain records behind the {@link io.dockhand.agent.engine.Engine}
 * interface; {@link io.dockhand.agent.engine.DockerEngine} is the only class that speaks docker-java.
 */
package io.dockhand.agent.engine;
