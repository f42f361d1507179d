package io.dockhand.agent.engine;

import java.time.Instant;
import java.util.Map;

/**
 * What the engine tells about one container, limited to what the agent may reveal: no environment, command line,
 * mounts, secrets or configs.
 *
 * @param id        full container id
 * @param name      name without the leading slash
 * @param image     the image reference it was started from, or the image id when there is none
 * @param imageId   image id ({@code sha256:...})
 * @param state     engine state: running, exited, ...
 * @param createdAt when it was created
 * @param labels    its labels
 * @param networks  network name to IP address (empty string when the network gives none)
 */
public record ContainerInfo(String id, String name, String image, String imageId, String state, Instant createdAt,
                            Map<String, String> labels, Map<String, String> networks) {

    public ContainerInfo {
        labels = Map.copyOf(labels);
        networks = Map.copyOf(networks);
    }
}
