package io.dockhand.agent.work;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dockhand.agent.executor.BuiltImage;
import io.dockhand.agent.executor.TaskDriver;
import io.dockhand.agent.executor.TaskException;

/**
 * The node's image cache, pruned by one rule: of the images the agent built from run contexts, it keeps the
 * {@code agent.images.keep} most recently used (20) and removes the others, and it removes any it has not used for
 * {@code agent.images.maxidle} (24h), whichever comes first. An image is used when a run is built into it or
 * takes it from the cache; an image the agent has not seen used since it started counts as used when it was
 * built or when the agent started, whichever is later (the engine keeps no time of use, so a restarted agent
 * gives every image a fresh day rather than guess). An image a container still uses (running or not) is never
 * removed: the engine refuses, and the image waits for the next pass. Images the agent did not build (without
 * its {@code io.dockhand.context} label) are never looked at.
 */
final class ImageRetention {

    private static final System.Logger LOG = System.getLogger(ImageRetention.class.getName());
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final TaskDriver driver;
    private final int keep;
    private final Duration maxIdle;
    private final Instant startedAt = Instant.now();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
    private volatile Instant lastSweep = Instant.EPOCH;

    ImageRetention(TaskDriver driver, int keep, Duration maxIdle) {
        this.driver = driver;
        this.keep = keep;
        this.maxIdle = maxIdle;
    }

    /** A run was built into this image or takes it from the cache now. */
    void used(String imageId) {
        if (imageId != null) {
            lastUsed.put(imageId, Instant.now());
        }
    }

    /** Prunes unless it did within the last minute. */
    void sweepSometimes(Set<String> inUse) {
        if (Instant.now().isAfter(lastSweep.plus(EVERY))) {
            sweep(inUse);
        }
    }

    /**
     * Removes what the rule says to; {@code inUse} are the images of the runs in hand.
     *
     * @return the ids of the images removed
     */
    synchronized List<String> sweep(Set<String> inUse) {
        lastSweep = Instant.now();
        List<String> removed = new ArrayList<>();
        List<BuiltImage> images;
        try {
            images = new ArrayList<>(driver.builtImages());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not list the built images", e);
            return removed;
        }
        images.sort(Comparator.comparing(this::lastUse).reversed());
        Instant idleSince = Instant.now().minus(maxIdle);
        for (int i = 0; i < images.size(); i++) {
            BuiltImage image = images.get(i);
            boolean old = lastUse(image).isBefore(idleSince);
            if ((i < keep && !old) || inUse.contains(image.id())) {
                continue;
            }
            try {
                driver.removeImage(image.id());
                lastUsed.remove(image.id());
                removed.add(image.id());
                LOG.log(System.Logger.Level.INFO, "Removed image " + image.id() + " (context " + image.context()
                        + "): " + (old ? "unused for " + maxIdle : "more than " + keep + " images built"));
            } catch (TaskException inUseByAContainer) {
                // a container uses it still; the next pass sees it again
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not remove image " + image.id(), e);
            }
        }
        return removed;
    }

    private Instant lastUse(BuiltImage image) {
        Instant seen = lastUsed.get(image.id());
        if (seen != null) {
            return seen;
        }
        return image.createdAt().isAfter(startedAt) ? image.createdAt() : startedAt;
    }
}
