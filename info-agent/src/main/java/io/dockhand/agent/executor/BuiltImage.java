package io.dockhand.agent.executor;

import java.time.Instant;

/**
 * An image the driver built from a run's context, as the node's image cache holds it.
 *
 * @param id         the image id ({@code sha256:...})
 * @param context    the digest of the context it was built from
 * @param dockerfile the Dockerfile's path in that context
 * @param createdAt  when it was built
 */
public record BuiltImage(String id, String context, String dockerfile, Instant createdAt) {
}
