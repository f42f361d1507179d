package io.dockhand.agent.engine;

import io.dockhand.api.NodeFacts;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DockerClientConfig;

/**
 * The agent's {@link Engine}, through docker-java ({@link DockerModels} turns docker-java's models into the
 * agent's records; no docker-java type leaves this package). It keeps two clients: one for questions, whose answers
 * must come within the engine timeout, and one for the long-lived stats and event streams, which must not time out
 * while the engine has nothing to say.
 */
public final class DockerEngine implements Engine {

    private final DockerClient questions;
    private final DockerClient streams;
    private final DockerCalls calls;

    private DockerEngine(DockerClient questions, DockerClient streams, DockerCalls calls) {
        this.questions = questions;
        this.streams = streams;
        this.calls = calls;
    }

    /**
     * Connects to an engine. Nothing is sent until the first call.
     *
     * @param dockerHost engine address such as {@code unix:///var/run/docker.sock}; null for docker-java's defaults
     *                   ({@code DOCKER_HOST}, then the local socket)
     * @param timeout    how long a question may take, connecting included
     */
    public static DockerEngine connect(String dockerHost, Duration timeout) {
        DockerClientConfig config = DockerCalls.config(dockerHost);
        return new DockerEngine(DockerCalls.client(config, timeout, timeout), DockerCalls.client(config, timeout, null),
                new DockerCalls(timeout));
    }

    @Override
    public RunningContainers running() {
        return ask("list containers", () -> {
            List<Container> running = questions.listContainersCmd().exec();
            Network gatewayBridge;
            try {
                gatewayBridge = questions.inspectNetworkCmd().withNetworkId(Attachment.GATEWAY_BRIDGE).exec();
            } catch (NotFoundException notInSwarm) {
                gatewayBridge = null;
            }
            return new RunningContainers(DockerModels.attachments(running, gatewayBridge),
                                         DockerModels.labels(running));
        });
    }

    @Override
    public ContainerInfo inspect(String idOrName) {
        InspectContainerResponse c = ask("inspect container", () -> {
            try {
                return questions.inspectContainerCmd(idOrName).exec();
            } catch (NotFoundException e) {
                throw new ContainerNotFoundException(idOrName);
            } catch (BadRequestException e) {
                throw new InvalidContainerReferenceException(idOrName, DockerCalls.engineMessage(e));
            }
        });
        return DockerModels.containerInfo(c);
    }

    @Override
    public NodeFacts node() {
        return DockerModels.nodeFacts(ask("read system info", () -> questions.infoCmd().exec()));
    }

    @Override
    public NodeDescription describe() {
        return ask("describe the node", () -> {
            Info info = questions.infoCmd().exec();
            List<SwarmNode> swarmNodes = List.of();
            if (info.getSwarm() != null && Boolean.TRUE.equals(info.getSwarm().getControlAvailable())) {
                try {
                    swarmNodes = questions.listSwarmNodesCmd().exec();
                } catch (RuntimeException e) {
                    // A manager without a quorum cannot list nodes; its heartbeat goes without swarm's view.
                    swarmNodes = List.of();
                }
            }
            return DockerModels.nodeDescription(info, swarmNodes);
        });
    }

    @Override
    public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
        return DockerCalls.stream(streams.statsCmd(containerId), () -> { }, statistics -> {
            StatsSample sample = DockerModels.sample(statistics);
            if (sample != null) {
                onSample.accept(sample);
            }
        }, onEnd);
    }

    @Override
    public Subscription changes(Runnable onOpen, Consumer<String> onChange, Runnable onEnd) {
        var events = streams.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK)
                .withEventFilter("start", "die", "destroy", "rename", "pause", "unpause", "connect", "disconnect");
        return DockerCalls.stream(events, onOpen, event -> onChange.accept(DockerModels.containerOf(event)), onEnd);
    }

    @Override
    public void close() {
        calls.close();
        DockerCalls.closeQuietly(streams);
        DockerCalls.closeQuietly(questions);
    }

    private <T> T ask(String what, Supplier<T> call) {
        return calls.ask(what, call);
    }
}
