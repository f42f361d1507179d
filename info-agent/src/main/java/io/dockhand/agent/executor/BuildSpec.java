package io.dockhand.agent.executor;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to call an image being built.
 *
 * @param tag     the reference to tag it with ({@code name:tag} or {@code host:port/name:tag}, lower case), or null for an untagged image
 * @param labels  labels for the image; keys under {@link TaskSpec#RESERVED_LABEL_PREFIX} are the driver's
 * @param timeout    how long the build may take before it is abandoned; null for {@link #DEFAULT_TIMEOUT}
 * @param dockerfile the Dockerfile's path in the context; null for {@code Dockerfile} at its root
 * @param context    the digest of the context, which the driver labels the image with so that
 *                   {@link TaskDriver#cachedImage} finds it again; null for an image that is not cached
 * @param memoryBytes the memory each build step's container may use (swap none beyond it), 0 for no limit; the
 *                    engine's build API has no process limit
 * @param buildArgs  the build's arguments ({@code --build-arg})
 * @param deployment the deployment the image is built for (labelled {@code io.dockhand.deployment}, so the node
 *                   removes it when the deployment is destroyed), null for a run's image
 */
public record BuildSpec(String tag, Map<String, String> labels, Duration timeout, String dockerfile, String context,
                        long memoryBytes, Map<String, String> buildArgs, String deployment) {

    /** How long a build may take unless its spec says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final Pattern TAG = Pattern.compile(
            "([a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?/)?[a-z0-9][a-z0-9._/-]{0,127}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

    public BuildSpec {
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("Not an image reference: " + tag);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("Build timeout must be positive: " + timeout);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (dockerfile != null && (dockerfile.isBlank() || dockerfile.startsWith("/") || dockerfile.contains("\0"))) {
            throw new IllegalArgumentException("Not a Dockerfile path inside the context: " + dockerfile);
        }
        if (memoryBytes < 0 || (memoryBytes > 0 && memoryBytes < 6L * 1024 * 1024)) {
            throw new IllegalArgumentException("Build memory limit must be 0 (none) or at least 6 MiB: " + memoryBytes);
        }
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        buildArgs = Map.copyOf(buildArgs == null ? Map.of() : buildArgs);
        for (String key : labels.keySet()) {
            if (key.startsWith(TaskSpec.RESERVED_LABEL_PREFIX)) {
                throw new IllegalArgumentException("Label " + key + " is reserved for the driver");
            }
        }
    }

    /** A run's build. */
    public BuildSpec(String tag, Map<String, String> labels, Duration timeout, String dockerfile, String context,
                     long memoryBytes) {
        this(tag, labels, timeout, dockerfile, context, memoryBytes, Map.of(), null);
    }

    /** A build without a memory limit. */
    public BuildSpec(String tag, Map<String, String> labels, Duration timeout, String dockerfile, String context) {
        this(tag, labels, timeout, dockerfile, context, 0);
    }

    /** A build of {@code Dockerfile} at the context's root, not cached by context. */
    public BuildSpec(String tag, Map<String, String> labels, Duration timeout) {
        this(tag, labels, timeout, null, null);
    }
}
