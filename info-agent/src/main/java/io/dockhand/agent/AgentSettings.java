package io.dockhand.agent;

import java.net.URI;
import java.time.Duration;

import io.dockhand.agent.engine.DockerDriver;
import io.dockhand.api.Durations;
import io.dockhand.web.ClusterToken;

import io.helidon.config.Config;

/**
 * The agent's settings, read once from {@code application.yaml} and the environment (an environment variable
 * overrides the key it spells: {@code DOCKER_HOST} is {@code docker.host}, {@code AGENT_TOKEN} is
 * {@code agent.token}, {@code AGENT_ENGINE_TIMEOUT} is {@code agent.engine.timeout}).
 *
 * @param dockerHost      engine address ({@code docker.host}); null for docker-java's default, the local socket
 * @param token           the cluster token ({@code agent.tokenfile}, in the swarm the secret
 *                        {@code /run/secrets/dockhand_token}, else {@code agent.token}): operators present it to
 *                        ask about any container, and the agent presents it to the store so the records it posts
 *                        are verified; none by default
 * @param store           the store the agent posts records to ({@code agent.store}, in the swarm the gateway on
 *                        this node); null when there is none
 * @param engineTimeout   how long one engine call may take before the caller gets a 503
 *                        ({@code agent.engine.timeout}, such as {@code 2s})
 * @param refreshInterval how often the agent re-reads the engine when it reports no changes
 *                        ({@code agent.refresh.interval})
 * @param changeTimeout   how long the executor's changes to the engine may take: a task's container created and
 *                        started, a deployment's service made, updated or removed ({@code agent.engine.changetimeout})
 */
public record AgentSettings(String dockerHost, ClusterToken token, URI store, Duration engineTimeout,
                            Duration refreshInterval, Duration changeTimeout) {

    static final Duration DEFAULT_ENGINE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

    /** Reads the settings from the root of the agent's configuration. */
    public static AgentSettings create(Config config) {
        return new AgentSettings(
                config.get("docker.host").asString().filter(s -> !s.isBlank()).orElse(null),
                ClusterToken.of(config.get("agent.token").asString().orElse(null),
                                config.get("agent.tokenfile").asString().orElse(null)),
                config.get("agent.store").asString().filter(s -> !s.isBlank()).map(URI::create).orElse(null),
                duration(config, "agent.engine.timeout", DEFAULT_ENGINE_TIMEOUT),
                duration(config, "agent.refresh.interval", DEFAULT_REFRESH_INTERVAL),
                duration(config, "agent.engine.changetimeout", DockerDriver.DEFAULT_CHANGE_TIMEOUT));
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
        return "AgentSettings[dockerHost=" + dockerHost + ", token=" + token
                + ", store=" + store + ", engineTimeout=" + engineTimeout + ", refreshInterval=" + refreshInterval
                + ", changeTimeout=" + changeTimeout + "]";
    }
}
