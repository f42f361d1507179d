package io.dockhand.agent.engine;

import io.dockhand.api.NodeFacts;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The read-only questions the agent asks the Docker Engine of its node. Every call either answers within the
 * configured engine timeout or throws {@link EngineUnavailableException}.
 */
public interface Engine extends AutoCloseable {

    /**
     * The running containers on this node: their addresses, on all their networks, including the
     * {@code docker_gwbridge} addresses of swarm tasks (which only that network's inspection shows), and their labels.
     */
    RunningContainers running();

    /**
     * One container's facts.
     *
     * @param idOrName full or short id, or name
     * @throws ContainerNotFoundException         when the engine does not know it
     * @throws InvalidContainerReferenceException when the engine refuses it as malformed (its 400)
     */
    ContainerInfo inspect(String idOrName);

    /** The node's facts, from the engine's system information. */
    NodeFacts node();

    /**
     * The node as its heartbeats describe it: its facts, its swarm address and labels, and on a manager swarm's view
     * of every node.
     */
    default NodeDescription describe() {
        NodeFacts facts = node();
        return new NodeDescription(facts.hostname(), facts.nodeId(), facts.role(), null, facts.cpus(),
                                   facts.memoryBytes(), facts.engineVersion(), Map.of(), facts.containersRunning(),
                                   List.of());
    }

    /**
     * Streams resource samples of one container, about one a second, until closed or the container stops.
     *
     * @param onSample receives each sample
     * @param onEnd    runs once when the stream ends for any reason other than {@link Subscription#close()}
     */
    Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd);

    /**
     * Streams notices that containers or their network attachments changed. Changes are reported only from the
     * moment the engine accepts the subscription, which {@code onOpen} marks.
     *
     * @param onOpen   runs once when the engine has accepted the subscription
     * @param onChange receives the id of the container that changed
     * @param onEnd    runs once when the stream ends (or never opens) for any reason other than
     *                 {@link Subscription#close()}
     */
    Subscription changes(Runnable onOpen, Consumer<String> onChange, Runnable onEnd);

    @Override
    void close();

    /** A running stream; closing it stops it. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
