package io.dockhand.agent.work;

import java.nio.file.Path;
import java.time.Duration;

import io.dockhand.api.Durations;
import io.dockhand.api.Sizes;

import io.helidon.config.Config;

/**
 * How the agent works for the control plane, read from the {@code agent} configuration (environment variables
 * override: {@code AGENT_NODE}, {@code AGENT_WORK}, {@code AGENT_SLOTS}, ...).
 *
 * @param node          the node's id ({@code agent.node}); null for the swarm node id, else the host name
 * @param address       the address the node is reached at ({@code agent.address}); null for the swarm node's
 *                      address, else the host's first non-loopback address
 * @param heartbeat     how often the agent heartbeats ({@code agent.heartbeat}, 2s)
 * @param enabled       whether the agent claims and executes runs ({@code agent.work}, true); it heartbeats and
 *                      works only when it has a store ({@code agent.store}) too
 * @param slots         how many runs it carries out at once ({@code agent.slots}, 4)
 * @param claimWait     how long one claim request waits for work at the store ({@code agent.claim.wait}, 20s)
 * @param imagesKeep    how many of the images it built it keeps at most, the most recently used
 *                      ({@code agent.images.keep}, 20)
 * @param imagesMaxIdle how long an image it built may go unused before it is removed ({@code agent.images.maxidle},
 *                      24h)
 * @param stopGrace     how long a stopped container has between SIGTERM and SIGKILL ({@code agent.stop.grace}, 10s)
 * @param pidsLimit     how many processes a run's container may have at once ({@code agent.limits.pids}, 4096; 0
 *                      for no limit): a fork bomb in a run fills its own limit, not the node's process table
 * @param memoryBytes   the memory limit of a run's container when the run names none, and of every build
 *                      ({@code agent.limits.memory}, a size such as {@code 2g}; none by default: how much a node
 *                      can spare differs, and an unlimited run is what the user asked for when none is set)
 * @param gitCache      the folder of the node's git checkouts for job tasks, one per (repository, commit)
 *                      ({@code agent.git.cache}, {@code ${java.io.tmpdir}/dockhand-git}); agents sharing it share
 *                      its checkouts
 * @param gitKeep       how many git checkouts it keeps at most, the most recently used ({@code agent.git.keep},
 *                      20); older ones are removed after each new clone, never one a run is using
 * @param gitTimeout    how long asking a git repository for its refs may take, and a read of a clone may stall,
 *                      before the run fails ({@code agent.git.timeout}, 2m); a whole clone may take 15 times as
 *                      long
 */
public record WorkSettings(String node, String address, Duration heartbeat, boolean enabled, int slots,
                           Duration claimWait, int imagesKeep, Duration imagesMaxIdle, Duration stopGrace,
                           long pidsLimit, long memoryBytes, Path gitCache, int gitKeep, Duration gitTimeout) {

    /** The process limit of a run's container unless {@code agent.limits.pids} says otherwise. */
    public static final long DEFAULT_PIDS_LIMIT = 4096;

    public WorkSettings {
        if (slots < 1) {
            throw new IllegalArgumentException("agent.slots must be at least 1: " + slots);
        }
        if (imagesKeep < 0) {
            throw new IllegalArgumentException("agent.images.keep must not be negative: " + imagesKeep);
        }
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            throw new IllegalArgumentException("agent.heartbeat must be positive: " + heartbeat);
        }
        if (pidsLimit < 0) {
            throw new IllegalArgumentException("agent.limits.pids must be 0 (none) or positive: " + pidsLimit);
        }
        if (gitKeep < 1) {
            throw new IllegalArgumentException("agent.git.keep must be at least 1: " + gitKeep);
        }
        if (gitTimeout.isZero() || gitTimeout.isNegative()) {
            throw new IllegalArgumentException("agent.git.timeout must be positive: " + gitTimeout);
        }
        if (memoryBytes < 0 || (memoryBytes > 0 && memoryBytes < 6L * 1024 * 1024)) {
            throw new IllegalArgumentException("agent.limits.memory must be none or at least 6m: " + memoryBytes);
        }
    }

    /** Reads the settings from the root of the agent's configuration. */
    public static WorkSettings create(Config config) {
        return new WorkSettings(
                text(config, "agent.node"),
                text(config, "agent.address"),
                duration(config, "agent.heartbeat", Duration.ofSeconds(2)),
                config.get("agent.work").asBoolean().orElse(true),
                config.get("agent.slots").asInt().orElse(4),
                duration(config, "agent.claim.wait", Duration.ofSeconds(20)),
                config.get("agent.images.keep").asInt().orElse(20),
                duration(config, "agent.images.maxidle", Duration.ofHours(24)),
                duration(config, "agent.stop.grace", Duration.ofSeconds(10)),
                config.get("agent.limits.pids").asLong().orElse(DEFAULT_PIDS_LIMIT),
                size(config, "agent.limits.memory"),
                Path.of(config.get("agent.git.cache").asString().map(String::strip).filter(t -> !t.isEmpty())
                                .orElse(System.getProperty("java.io.tmpdir") + "/dockhand-git")),
                config.get("agent.git.keep").asInt().orElse(20),
                duration(config, "agent.git.timeout", Duration.ofMinutes(2)));
    }

    /** A size ({@code 512m}, {@code 2g}); 0 when unset, empty or {@code none}. */
    private static long size(Config config, String key) {
        try {
            return config.get(key).asString().map(String::strip)
                    .filter(s -> !s.isEmpty() && !s.equalsIgnoreCase("none")).map(Sizes::parse).orElse(0L);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** The key's value stripped, null when absent or blank. */
    static String text(Config config, String key) {
        return config.get(key).asString().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }

    /** The key's duration ({@link Durations#parse}), {@code fallback} when absent; a bad one names the key. */
    static Duration duration(Config config, String key, Duration fallback) {
        try {
            return config.get(key).asString().filter(s -> !s.isBlank()).map(Durations::parse).orElse(fallback);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
