package io.dockhand.agent;

import java.time.Duration;

import io.dockhand.api.Durations;

import io.helidon.config.Config;

/**
 * The agent's settings, read once from {@code application.yaml} and the environment (an environment variable
 * overrides the key it spells: {@code DOCKER_HOST} is {@code docker.host}, {@code AGENT_TOKEN} is
 * {@code agent.token}, {@code AGENT_ENGINE_TIMEOUT} is {@code agent.engine.timeout}).
 *
 * @param dockerHost      engine address ({@code docker.host}); null for docker-java's default, the local socket
 * @param token           operator token ({@code agent.token}) that lifts the "only about yourself" rule; null
 *                        (the default) when there is none
 * @param engineTimeout   how long one engine call may take before the caller gets a 503
 *                        ({@code agent.engine.timeout}, such as {@code 2s})
 * @param refreshInterval how often the agent re-reads the engine when it reports no changes
 *                        ({@code agent.refresh.interval})
 */
public record AgentConfig(String dockerHost, String token, Duration engineTimeout, Duration refreshInterval) {

    static final Duration DEFAULT_ENGINE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

    /** Reads the settings from the root of the agent's configuration. */
    public static AgentConfig create(Config config) {
        return new AgentConfig(
                config.get("docker.host").asString().filter(s -> !s.isBlank()).orElse(null),
                config.get("agent.token").asString().filter(s -> !s.isBlank()).orElse(null),
                duration(config, "agent.engine.timeout", DEFAULT_ENGINE_TIMEOUT),
                duration(config, "agent.refresh.interval", DEFAULT_REFRESH_INTERVAL));
    }

    private static Duration duration(Config config, String key, Duration fallback) {
        try {
            return config.get(key).asString().map(Durations::parse).orElse(fallback);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AgentConfig[dockerHost=" + dockerHost + ", token=" + (token == null ? "none" : "set")
                + ", engineTimeout=" + engineTimeout + ", refreshInterval=" + refreshInterval + "]";
    }
}
