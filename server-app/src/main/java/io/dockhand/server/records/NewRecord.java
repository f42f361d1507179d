package io.dockhand.server.records;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated record as a client sent it, before the store gives it an id.
 *
 * @param containerId the container's id, lower-case hex
 * @param node        the node it ran on, if reported
 * @param image       its image, if reported
 * @param observedAt  when the agent observed it
 * @param document    the whole record as sent, unknown fields included
 */
public record NewRecord(String containerId, String node, String image, Instant observedAt, ObjectNode document) {
}
