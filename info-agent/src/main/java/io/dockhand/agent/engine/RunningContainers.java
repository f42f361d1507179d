package io.dockhand.agent.engine;

import java.util.List;
import java.util.Map;

/**
 * The running containers of the node as one listing shows them: every address each has (on all its networks,
 * including the {@code docker_gwbridge} ones of swarm tasks) and each one's labels.
 *
 * @param attachments the addresses of the running containers
 * @param labels      each running container's labels, by full container id
 */
public record RunningContainers(List<Attachment> attachments, Map<String, Map<String, String>> labels) {

    public RunningContainers {
        attachments = List.copyOf(attachments);
        labels = Map.copyOf(labels);
    }
}
