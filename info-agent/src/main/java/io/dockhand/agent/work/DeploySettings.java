package io.dockhand.agent.work;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * What the agent needs for deployments beyond its work settings; environment variables override
 * ({@code AGENT_NETWORK}, {@code AGENT_GATEWAY_IMAGE}).
 *
 * @param network      the overlay network deployed apps join ({@code agent.network}); null for {@code <stack>_net} of
 *                     the stack the agent's own container belongs to
 * @param gatewayImage the image of apps' gateway services ({@code agent.gateway.image}); null for the image of the
 *                     stack's {@code <stack>_gateway} service
 * @param cleanEvery   how often the agent removes its images of destroyed deployments ({@code agent.deployments.clean},
 *                     1m)
 */
public record DeploySettings(String network, String gatewayImage, Duration cleanEvery) {

    /** Everything from the agent's stack. */
    public static final DeploySettings DEFAULTS = new DeploySettings(null, null, Duration.ofMinutes(1));

    /** Reads the settings from the root of the agent's configuration. */
    public static DeploySettings create(Config config) {
        return new DeploySettings(WorkSettings.text(config, "agent.network"),
                                  WorkSettings.text(config, "agent.gateway.image"),
                                  WorkSettings.duration(config, "agent.deployments.clean", Duration.ofMinutes(1)));
    }
}
