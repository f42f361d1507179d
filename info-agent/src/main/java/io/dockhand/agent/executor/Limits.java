package io.dockhand.agent.executor;

/**
 * A task's resource limits.
 *
 * @param cpus        CPUs it may use (1.5 is one and a half cores), 0 for no limit
 * @param memoryBytes memory it may use before the kernel kills it, 0 for no limit (at least 6 MiB otherwise, the
 *                    engine's own minimum)
 * @param pids        processes it may have at once, 0 for no limit
 */
public record Limits(double cpus, long memoryBytes, long pids) {

    /** No limits. */
    public static final Limits NONE = new Limits(0, 0, 0);

    private static final long MIN_MEMORY = 6L * 1024 * 1024;

    public Limits {
        if (!(cpus >= 0) || Double.isInfinite(cpus)) {
            throw new IllegalArgumentException("CPU limit must be 0 (none) or positive: " + cpus);
        }
        if (memoryBytes < 0 || (memoryBytes > 0 && memoryBytes < MIN_MEMORY)) {
            throw new IllegalArgumentException("Memory limit must be 0 (none) or at least 6 MiB: " + memoryBytes);
        }
        if (pids < 0) {
            throw new IllegalArgumentException("Process limit must be 0 (none) or positive: " + pids);
        }
    }
}
