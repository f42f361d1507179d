package io.dockhand.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A stored record: what was reported about one container at one moment ({@link ContainerFacts}' fields), plus
 * what the store adds. The store keeps fields it does not know as they were sent; readers ignore them.
 *
 * @param id               the record's id (a UUID), assigned by the store
 * @param receivedAt       when the store received it, assigned by the store
 * @param verified         whether the node's agent vouched for it (true), or a client reported it on its own
 *                         (false); null on records stored before the store kept track
 * @param containerId      see {@link ContainerFacts}
 * @param name             see {@link ContainerFacts}
 * @param image            see {@link ContainerFacts}
 * @param imageId          see {@link ContainerFacts}
 * @param node             see {@link ContainerFacts}
 * @param nodeId           see {@link ContainerFacts}
 * @param state            see {@link ContainerFacts}
 * @param createdAt        see {@link ContainerFacts}
 * @param labels           see {@link ContainerFacts}
 * @param networks         see {@link ContainerFacts}
 * @param service          see {@link ContainerFacts}
 * @param task             see {@link ContainerFacts}
 * @param cpuPercent       see {@link ContainerFacts}
 * @param memoryBytes      see {@link ContainerFacts}
 * @param memoryLimitBytes see {@link ContainerFacts}
 * @param observedAt       see {@link ContainerFacts}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerRecord(String id, Instant receivedAt, Boolean verified, String containerId, String name,
                              String image, String imageId, String node, String nodeId, String state,
                              Instant createdAt, Map<String, String> labels, Map<String, String> networks,
                              String service, String task, Double cpuPercent, Long memoryBytes,
                              Long memoryLimitBytes, Instant observedAt) {

    /** The fields a client may not send: the store assigns them. */
    public static final java.util.Set<String> SERVER_FIELDS = java.util.Set.of("id", "receivedAt", "verified");
}
