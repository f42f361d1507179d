package io.dockhand.agent.engine;

import io.dockhand.api.NodeFacts;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * The agent's {@link Engine}, through docker-java ({@link DockerModels} turns docker-java's models into the
 * agent's records; no docker-java type leaves this package). It keeps two clients: one for questions, whose answers must come
 * within the engine timeout, and one for the long-lived stats and event streams, which must not time out while the
 * engine has nothing to say.
 */
public final class DockerEngine implements Engine {

    private static final System.Logger LOG = System.getLogger(DockerEngine.class.getName());
    private static final Pattern ENGINE_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final DockerClient questions;
    private final DockerClient streams;
    private final Duration timeout;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    private DockerEngine(DockerClient questions, DockerClient streams, Duration timeout) {
        this.questions = questions;
        this.streams = streams;
        this.timeout = timeout;
    }

    /**
     * Connects to an engine. Nothing is sent until the first call.
     *
     * @param dockerHost engine address such as {@code unix:///var/run/docker.sock}; null for docker-java's defaults
     *                   ({@code DOCKER_HOST}, then the local socket)
     * @param timeout    how long a question may take, connecting included
     */
    public static DockerEngine connect(String dockerHost, Duration timeout) {
        var builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (dockerHost != null && !dockerHost.isBlank()) {
            builder.withDockerHost(dockerHost);
        }
        DockerClientConfig config = builder.build();
        return new DockerEngine(client(config, timeout, timeout), client(config, timeout, null), timeout);
    }

    private static DockerClient client(DockerClientConfig config, Duration connectTimeout, Duration responseTimeout) {
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(config.getDockerHost().toString()))
                .sslConfig(config.getSSLConfig())
                .maxConnections(1024)
                .connectionTimeout(connectTimeout);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }

    @Override
    public List<Attachment> attachments() {
        return ask("list containers", () -> {
            List<Container> running = questions.listContainersCmd().exec();
            Network gatewayBridge;
            try {
                gatewayBridge = questions.inspectNetworkCmd().withNetworkId(Attachment.GATEWAY_BRIDGE).exec();
            } catch (NotFoundException notInSwarm) {
                gatewayBridge = null;
            }
            return DockerModels.attachments(running, gatewayBridge);
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
                throw new InvalidContainerReferenceException(idOrName, engineMessage(e));
            }
        });
        return DockerModels.containerInfo(c);
    }

    @Override
    public NodeFacts node() {
        return DockerModels.nodeFacts(ask("read system info", () -> questions.infoCmd().exec()));
    }

    @Override
    public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
        return stream(streams.statsCmd(containerId), () -> { }, statistics -> {
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
        return stream(events, onOpen, event -> onChange.accept(DockerModels.containerOf(event)), onEnd);
    }

    @Override
    public void close() {
        callers.shutdownNow();
        for (DockerClient client : List.of(streams, questions)) {
            try {
                client.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing the Docker client failed", e);
            }
        }
    }

    /**
     * Runs one engine call under the deadline. The transport's response timeout does not cover Unix sockets (their
     * channel streams ignore socket timeouts), so the call runs on its own virtual thread, which is interrupted at
     * the deadline: that closes its channel, and the connection is not reused.
     */
    private <T> T ask(String what, Supplier<T> call) {
        Future<T> answer = callers.submit(call::get);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new EngineUnavailableException("The Docker Engine did not answer (" + what + ") within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("Interrupted while asking the Docker Engine (" + what + ")", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ContainerNotFoundException
                    || e.getCause() instanceof InvalidContainerReferenceException) {
                // The engine answered: about the caller's question, not about itself.
                throw (RuntimeException) e.getCause();
            }
            throw new EngineUnavailableException("The Docker Engine did not answer (" + what + "): "
                    + rootMessage(e.getCause()), e.getCause());
        }
    }

    /**
     * Runs a streaming command. docker-java calls {@code onStart} once the engine has answered the request with a
     * success status, which is when the stream counts as open.
     */
    private static <T> Subscription stream(com.github.dockerjava.api.command.AsyncDockerCmd<?, T> command,
                                           Runnable onOpen, Consumer<T> onItem, Runnable onEnd) {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (!closed.get() && ended.compareAndSet(false, true)) {
                onEnd.run();
            }
        };
        ResultCallback.Adapter<T> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable stream) {
                super.onStart(stream);
                if (closed.get()) {
                    // Closed while the request was on its way: onStart has just reopened the callback.
                    closeQuietly(this);
                    return;
                }
                onOpen.run();
            }

            @Override
            public void onNext(T item) {
                try {
                    onItem.accept(item);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Handling an engine stream item failed", e);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                LOG.log(System.Logger.Level.DEBUG, "Engine stream failed", throwable);
                end.run();
            }

            @Override
            public void onComplete() {
                end.run();
            }
        };
        try {
            command.exec(callback);
        } catch (RuntimeException e) {
            end.run();
        }
        return () -> {
            closed.set(true);
            closeQuietly(callback);
        };
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing an engine stream failed", e);
        }
    }

    /**
     * The engine's own words from a docker-java error: its message is {@code Status <code>: <body>}, and the
     * engine's body is {@code {"message":"..."}}. Only the message text, shortened, is kept.
     */
    static String engineMessage(RuntimeException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        Matcher json = ENGINE_MESSAGE.matcher(text);
        if (json.find()) {
            text = json.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        } else {
            text = text.replaceFirst("^Status \\d+: ", "");
        }
        text = text.strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
