package io.dockhand.agent.watch;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.StatsSample;

/**
 * Keeps one stats stream open per running container, as {@code docker stats} does, and remembers the latest sample
 * of each. Every sample of the stream carries the counters of the one before, so CPU use can be answered at once.
 */
final class UsageMonitor implements AutoCloseable {

    private final Engine engine;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();

    UsageMonitor(Engine engine, Clock clock, Duration maxAge) {
        this.engine = engine;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** Opens streams for containers that have none (or whose stream ended) and closes those of the others. */
    synchronized void track(Set<String> running) {
        streams.entrySet().removeIf(e -> {
            boolean gone = !running.contains(e.getKey()) || e.getValue().ended;
            if (gone) {
                e.getValue().close();
            }
            return gone;
        });
        for (String id : running) {
            streams.computeIfAbsent(id, this::open);
        }
    }

    /** The latest sample of a container, unless it is too old to be the truth. */
    Optional<StatsSample> latest(String containerId) {
        Stream stream = streams.get(containerId);
        if (stream == null || stream.latest == null) {
            return Optional.empty();
        }
        StatsSample sample = stream.latest;
        boolean fresh = Duration.between(stream.receivedAt, clock.instant()).compareTo(maxAge) <= 0;
        return fresh ? Optional.of(sample) : Optional.empty();
    }

    /**
     * Whether the container's stream is open and delivered a sample within {@code window}: proof that the engine
     * is answering right now and that the container is running.
     */
    boolean live(String containerId, Duration window) {
        Stream stream = streams.get(containerId);
        return stream != null && !stream.ended && stream.receivedAt != null
                && Duration.between(stream.receivedAt, clock.instant()).compareTo(window) <= 0;
    }

    int streamCount() {
        return streams.size();
    }

    @Override
    public synchronized void close() {
        streams.values().forEach(Stream::close);
        streams.clear();
    }

    private Stream open(String containerId) {
        Stream stream = new Stream();
        stream.subscription = engine.stats(containerId, sample -> {
            stream.receivedAt = clock.instant();
            stream.latest = sample;
        }, () -> stream.ended = true);
        return stream;
    }

    private static final class Stream {
        private volatile Engine.Subscription subscription;
        private volatile StatsSample latest;
        private volatile java.time.Instant receivedAt;
        private volatile boolean ended;

        void close() {
            Engine.Subscription s = subscription;
            if (s != null) {
                s.close();
            }
        }
    }
}
