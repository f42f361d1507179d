package io.dockhand.api;

import java.time.Instant;

/**
 * One step of a deployment's history.
 *
 * @param seq    its order
 * @param status the status it reached
 * @param detail what happened, in a sentence
 * @param at     when
 */
public record DeploymentEvent(long seq, DeploymentStatus status, String detail, Instant at) {
}
