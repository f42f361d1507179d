package io.dockhand.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.NodeFacts;
import io.dockhand.agent.engine.StatsSample;

/**
 * An engine in memory: containers, their addresses and stats samples, events when containers go; it can be switched
 * off.
 */
public final class FakeEngine implements Engine {

    final List<Attachment> attachments = new CopyOnWriteArrayList<>();
    final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    final Map<String, StatsSample> samples = new ConcurrentHashMap<>();
    final AtomicInteger inspections = new AtomicInteger();
    private final Map<String, Consumer<StatsSample>> statsSinks = new ConcurrentHashMap<>();
    private volatile Consumer<String> changeSink = id -> { };
    volatile boolean down;

    /** Removes a container as {@code docker rm -f} would, with its event. */
    void remove(String id) {
        attachments.removeIf(a -> a.containerId().equals(id));
        containers.remove(id);
        statsSinks.remove(id);
        changeSink.accept(id);
    }

    /** Delivers a new sample on the container's stats stream, if one is open. */
    void sample(String id, StatsSample sample) {
        samples.put(id, sample);
        Consumer<StatsSample> sink = statsSinks.get(id);
        if (sink != null) {
            sink.accept(sample);
        }
    }

    ContainerInfo add(String id, String name, String network, String address) {
        ContainerInfo info = new ContainerInfo(id, name, "example/app:1", "sha256:" + "ab".repeat(32), "running",
                Instant.parse("2026-01-01T00:00:00Z"), Map.of("tier", "web"), Map.of(network, address));
        containers.put(id, info);
        attachments.add(new Attachment(id, network, address));
        changeSink.accept(id);
        return info;
    }

    @Override
    public List<Attachment> attachments() {
        check();
        return List.copyOf(attachments);
    }

    @Override
    public ContainerInfo inspect(String idOrName) {
        check();
        inspections.incrementAndGet();
        return containers.values().stream()
                .filter(c -> c.id().startsWith(idOrName) || c.name().equals(idOrName))
                .findFirst()
                .orElseThrow(() -> new ContainerNotFoundException(idOrName));
    }

    @Override
    public NodeFacts node() {
        check();
        return new NodeFacts("node-1", null, null, 2, 4L << 30, "20.10.24", containers.size(), Instant.now());
    }

    @Override
    public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
        statsSinks.put(containerId, onSample);
        StatsSample sample = samples.get(containerId);
        if (sample != null) {
            onSample.accept(sample);
        }
        return () -> statsSinks.remove(containerId, onSample);
    }

    @Override
    public Subscription changes(Consumer<String> onChange, Runnable onEnd) {
        changeSink = onChange;
        return () -> changeSink = id -> { };
    }

    @Override
    public void close() {
    }

    private void check() {
        if (down) {
            throw new EngineUnavailableException("switched off", new java.io.IOException("down"));
        }
    }
}
