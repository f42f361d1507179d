package io.dockhand.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.InvalidContainerReferenceException;
import io.dockhand.agent.engine.RunningContainers;
import io.dockhand.agent.engine.StatsSample;
import io.dockhand.api.NodeFacts;

/**
 * An {@link Engine} in memory: containers with their addresses, set by the test, and a switch that makes every
 * question fail as an unreachable engine would. Its event stream opens at once and never reports anything (a test
 * that changes containers waits for the watch's next refresh); it has no stats samples to give.
 */
final class FakeEngine implements Engine {

    static final String NODE = "fake-node";
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    private final List<Attachment> attachments = new CopyOnWriteArrayList<>();
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Adds a running container with one address on one network. */
    ContainerInfo run(String id, String name, String network, String address) {
        ContainerInfo info = new ContainerInfo(id, name, "fake/image:1", "sha256:" + "0".repeat(64), "running",
                Instant.parse("2025-01-01T00:00:00Z"), Map.of("role", name), Map.of(network, address));
        containers.put(id, info);
        attachments.add(new Attachment(id, network, address));
        return info;
    }

    /** Whether the engine answers; when it does not, every question throws {@link EngineUnavailableException}. */
    void available(boolean answers) {
        available.set(answers);
    }

    boolean closed() {
        return closed.get();
    }

    @Override
    public RunningContainers running() {
        answerOrFail();
        Map<String, Map<String, String>> labels = new java.util.HashMap<>();
        containers.values().forEach(c -> labels.put(c.id(), c.labels()));
        return new RunningContainers(attachments, labels);
    }

    @Override
    public ContainerInfo inspect(String idOrName) {
        answerOrFail();
        if (!REFERENCE.matcher(idOrName).matches()) {
            throw new InvalidContainerReferenceException(idOrName, "invalid reference format");
        }
        ContainerInfo byId = containers.get(idOrName);
        if (byId != null) {
            return byId;
        }
        List<ContainerInfo> matches = new ArrayList<>();
        for (ContainerInfo c : containers.values()) {
            if (c.name().equals(idOrName) || c.id().startsWith(idOrName)) {
                matches.add(c);
            }
        }
        if (matches.size() != 1) {
            throw new ContainerNotFoundException(idOrName);
        }
        return matches.get(0);
    }

    @Override
    public NodeFacts node() {
        answerOrFail();
        return new NodeFacts(NODE, null, null, 2, 4L << 30, "20.10-fake", containers.size(), Instant.now());
    }

    @Override
    public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
        return () -> { };
    }

    @Override
    public Subscription changes(Runnable onOpen, Consumer<String> onChange, Runnable onEnd) {
        if (available.get()) {
            onOpen.run();
        } else {
            onEnd.run();
        }
        return () -> { };
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void answerOrFail() {
        if (!available.get()) {
            throw new EngineUnavailableException("The fake engine is switched off", null);
        }
    }
}
