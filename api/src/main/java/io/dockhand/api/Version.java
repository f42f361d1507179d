package io.dockhand.api;

/**
 * What {@link Paths#SERVER_VERSION} and {@link Paths#AGENT_VERSION} answer.
 *
 * @param name    {@code dockhand-server} or {@code dockhand-agent}
 * @param version the build's version, {@code dev} outside a jar
 */
public record Version(String name, String version) {
}
