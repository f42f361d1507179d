package io.dockhand.agent.watch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.api.NodeFacts;
import io.dockhand.agent.engine.StatsSample;

/**
 * Follows the node's engine: refreshes the address index and the stats streams on a short interval and whenever the
 * engine reports a container or network change, and keeps the node's identity and the facts of containers that
 * asked. When the engine goes away the watch keeps trying, so it works again as soon as the engine does.
 *
 * <p>Remembered facts are handed out only while the engine is demonstrably alive: the engine has accepted the event
 * stream and it is still open, the last refresh succeeded, and the container's own stats stream delivered a sample
 * moments ago. Any event about the container forgets them, and so does a new event stream (the events of the gap
 * before it went unreported). Otherwise the caller must ask the engine, and gets its answer or its silence.
 */
public final class EngineWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EngineWatch.class.getName());
    private static final int NODE_REFRESH_TICKS = 15;
    private static final Duration LIVE_WINDOW = Duration.ofSeconds(3);

    private final Engine engine;
    private final Duration interval;
    private final AddressIndex index;
    private final UsageMonitor usage;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean changePending = new AtomicBoolean();
    private final Map<String, ContainerInfo> facts = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    private volatile NodeFacts node;
    private volatile boolean healthy;
    private volatile long lastRefreshOk;
    private volatile Engine.Subscription changes;
    private volatile boolean changesEnded = true;
    private volatile boolean changesOpen;
    private long ticks;

    /**
     * @param engine   the node's engine
     * @param interval how often to re-read the engine when it reports nothing
     */
    public EngineWatch(Engine engine, Duration interval) {
        this.engine = engine;
        this.interval = interval;
        this.index = new AddressIndex(engine);
        this.usage = new UsageMonitor(engine, Clock.systemUTC(), interval.multipliedBy(3).plusSeconds(5));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-engine-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following the engine; the first refresh runs at once. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The container that owns an address on this node. On a miss the engine is read once more (unless that already
     * happened after {@code askedAt}), so a container that just started is found.
     *
     * @param askedAt {@link System#nanoTime()} when the question arrived
     * @throws EngineUnavailableException when the engine must be read and does not answer
     */
    public Optional<Attachment> owner(String address, long askedAt) {
        Optional<Attachment> found = index.find(address);
        return found.isPresent() ? found : ownerAfterRefresh(address, askedAt);
    }

    /** Like {@link #owner}, but always from an index no older than {@code askedAt}. */
    public Optional<Attachment> ownerAfterRefresh(String address, long askedAt) {
        index.refreshUnlessDoneSince(askedAt);
        return index.find(address);
    }

    /** The latest resource sample of a running container, if a recent one is at hand. */
    public Optional<StatsSample> usage(String containerId) {
        return usage.latest(containerId);
    }

    /**
     * The running containers as the last refresh listed them, each with its labels and its latest resource sample
     * (when a recent one is at hand); empty while the engine is not answering, when the last listing may no longer be
     * the truth. It asks the engine nothing: the refreshes and the stats streams keep it current.
     */
    public Optional<List<ContainerUse>> running() {
        if (!healthy) {
            return Optional.empty();
        }
        List<ContainerUse> running = new ArrayList<>();
        index.labels().forEach((id, labels) -> running.add(new ContainerUse(id, labels,
                                                                            usage.latest(id).orElse(null))));
        return Optional.of(running);
    }

    /**
     * A running container with its labels and its latest resource sample.
     *
     * @param containerId full container id
     * @param labels      its labels
     * @param sample      its latest sample, null when no recent one is at hand
     */
    public record ContainerUse(String containerId, Map<String, String> labels, StatsSample sample) {
    }

    /**
     * A container's facts as last read, if the engine is alive right now and nothing happened to the container
     * since they were read.
     */
    public Optional<ContainerInfo> knownFacts(String containerId) {
        ContainerInfo known = facts.get(containerId);
        if (known == null || !changesOpen || !healthy || !usage.live(containerId, LIVE_WINDOW)
                || System.nanoTime() - lastRefreshOk > interval.multipliedBy(2).plus(LIVE_WINDOW).toNanos()) {
            return Optional.empty();
        }
        return Optional.of(known);
    }

    /** A mark to pass to {@link #remember} after reading a container's facts from the engine. */
    public long mark() {
        return generation.get();
    }

    /** Keeps facts just read from the engine, unless the engine reported a change since {@code mark}. */
    public void remember(ContainerInfo info, long mark) {
        if ("running".equals(info.state())) {
            facts.put(info.id(), info);
            if (generation.get() != mark) {
                facts.remove(info.id());
            }
        }
    }

    /** The node's facts as last read, reading them now if they never were. */
    public NodeFacts node() {
        NodeFacts known = node;
        if (known == null) {
            known = engine.node();
            node = known;
        }
        return known;
    }

    /** Whether the last refresh reached the engine. */
    public boolean healthy() {
        return healthy;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        Engine.Subscription c = changes;
        if (c != null) {
            c.close();
        }
        usage.close();
    }

    private void tick() {
        try {
            if (changesEnded) {
                changesEnded = false;
                changes = engine.changes(this::changesOpened, this::changed, this::changesLost);
            }
            index.refresh();
            usage.track(index.containerIds());
            facts.keySet().retainAll(index.containerIds());
            lastRefreshOk = System.nanoTime();
            if (node == null || ticks++ % NODE_REFRESH_TICKS == 0) {
                node = engine.node();
            }
            if (!healthy) {
                LOG.log(System.Logger.Level.INFO, "Following the Docker Engine: {0} stream(s)", usage.streamCount());
            }
            healthy = true;
        } catch (EngineUnavailableException e) {
            if (healthy) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
            healthy = false;
        } catch (RuntimeException e) {
            healthy = false;
            LOG.log(System.Logger.Level.ERROR, "Refreshing from the engine failed", e);
        }
    }

    private void changesOpened() {
        generation.incrementAndGet();
        facts.clear();
        changesOpen = true;
    }

    private void changesLost() {
        changesOpen = false;
        changesEnded = true;
    }

    private void changed(String containerId) {
        generation.incrementAndGet();
        if (containerId != null) {
            facts.remove(containerId);
        } else {
            facts.clear();
        }
        if (changePending.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                changePending.set(false);
                tick();
            });
        }
    }
}
