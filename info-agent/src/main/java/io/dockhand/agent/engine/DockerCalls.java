package io.dockhand.agent.engine;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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

import io.dockhand.agent.executor.TaskException;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.AsyncDockerCmd;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * How the agent's Docker adapters talk to the engine: building clients, asking a question under a deadline, and
 * following a stream. {@link DockerEngine} and {@link DockerDriver} share it.
 */
final class DockerCalls implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DockerCalls.class.getName());
    private static final Pattern ENGINE_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Duration timeout;
    private final Duration changeTimeout;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    /** @param timeout how long a question may take, connecting included; a change may take as long */
    DockerCalls(Duration timeout) {
        this(timeout, timeout);
    }

    /**
     * @param timeout       how long a question may take, connecting included
     * @param changeTimeout how long a change may take: creating and starting a container, making, updating or
     *                      removing a service. A loaded engine answers those late (a swarm manager committing to
     *                      its log, a VM under emulation starting a container), while a question is quick.
     */
    DockerCalls(Duration timeout, Duration changeTimeout) {
        this.timeout = timeout;
        this.changeTimeout = changeTimeout.compareTo(timeout) > 0 ? changeTimeout : timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** Runs one call that changes the engine's state under the change deadline. */
    <T> T change(String what, Supplier<T> call) {
        return ask(what, changeTimeout, call);
    }

    /** The engine's address and TLS settings: {@code dockerHost}, or docker-java's defaults when it is blank. */
    static DockerClientConfig config(String dockerHost) {
        var builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (dockerHost != null && !dockerHost.isBlank()) {
            builder.withDockerHost(dockerHost);
        }
        return builder.build();
    }

    /** A client; a null {@code responseTimeout} lets a response take as long as it takes (for streams). */
    static DockerClient client(DockerClientConfig config, Duration connectTimeout, Duration responseTimeout) {
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

    /** Runs one engine call under the deadline (see {@link #ask(String, Duration, Supplier)}). */
    <T> T ask(String what, Supplier<T> call) {
        return ask(what, timeout, call);
    }

    /**
     * Runs one engine call under a deadline. The transport's response timeout does not cover Unix sockets (their
     * channel streams ignore socket timeouts), so the call runs on its own virtual thread, which is interrupted at
     * the deadline: that closes its channel, and the connection is not reused. The agent's domain exceptions
     * (the engine answered about the caller's question) pass through; anything else means the engine did not
     * answer.
     */
    <T> T ask(String what, Duration deadline, Supplier<T> call) {
        Future<T> answer = callers.submit(call::get);
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new EngineUnavailableException("The Docker Engine did not answer (" + what + ") within "
                    + deadline.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("Interrupted while asking the Docker Engine (" + what + ")", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ContainerNotFoundException
                    || e.getCause() instanceof InvalidContainerReferenceException
                    || e.getCause() instanceof TaskException) {
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
    static <T> Engine.Subscription stream(AsyncDockerCmd<?, T> command, Runnable onOpen, Consumer<T> onItem,
                                          Runnable onEnd) {
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

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing an engine stream or client failed", e);
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

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public void close() {
        callers.shutdownNow();
    }
}
