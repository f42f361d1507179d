package io.dockhand.agent.engine;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * The agent's {@link Engine}, through docker-java. It keeps two clients: one for questions, whose answers must come
 * within the engine timeout, and one for the long-lived stats and event streams, which must not time out while the
 * engine has nothing to say.
 */
public final class DockerEngine implements Engine {

    private static final System.Logger LOG = System.getLogger(DockerEngine.class.getName());

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
            List<Attachment> result = new ArrayList<>();
            for (Container container : questions.listContainersCmd().exec()) {
                if (container.getNetworkSettings() == null || container.getNetworkSettings().getNetworks() == null) {
                    continue;
                }
                container.getNetworkSettings().getNetworks().forEach((name, net) ->
                        addressesOf(net).forEach(ip -> result.add(new Attachment(container.getId(), name, ip))));
            }
            result.addAll(gatewayBridgeAttachments());
            return result;
        });
    }

    private List<Attachment> gatewayBridgeAttachments() {
        Network bridge;
        try {
            bridge = questions.inspectNetworkCmd().withNetworkId(Attachment.GATEWAY_BRIDGE).exec();
        } catch (NotFoundException notInSwarm) {
            return List.of();
        }
        if (bridge.getContainers() == null) {
            return List.of();
        }
        List<Attachment> result = new ArrayList<>();
        bridge.getContainers().forEach((id, endpoint) -> {
            for (String cidr : new String[] {endpoint.getIpv4Address(), endpoint.getIpv6Address()}) {
                if (cidr != null && !cidr.isBlank()) {
                    result.add(new Attachment(id, Attachment.GATEWAY_BRIDGE, withoutPrefix(cidr)));
                }
            }
        });
        return result;
    }

    @Override
    public ContainerInfo inspect(String idOrName) {
        InspectContainerResponse c = ask("inspect container", () -> {
            try {
                return questions.inspectContainerCmd(idOrName).exec();
            } catch (NotFoundException e) {
                throw new ContainerNotFoundException(idOrName);
            }
        });
        Map<String, String> networks = new LinkedHashMap<>();
        if (c.getNetworkSettings() != null && c.getNetworkSettings().getNetworks() != null) {
            c.getNetworkSettings().getNetworks().forEach((name, net) ->
                    networks.put(name, addressesOf(net).stream().findFirst().orElse("")));
        }
        String image = c.getConfig() == null ? null : c.getConfig().getImage();
        Map<String, String> labels = c.getConfig() == null || c.getConfig().getLabels() == null
                ? Map.of() : c.getConfig().getLabels();
        String name = c.getName() == null ? "" : c.getName().replaceFirst("^/", "");
        String state = c.getState() == null ? null : c.getState().getStatus();
        return new ContainerInfo(c.getId(), name, image == null || image.isBlank() ? c.getImageId() : image,
                c.getImageId(), state, instant(c.getCreated()), labels, networks);
    }

    @Override
    public NodeFacts node() {
        Info info = ask("read system info", () -> questions.infoCmd().exec());
        String nodeId = null;
        String role = null;
        if (info.getSwarm() != null && info.getSwarm().getNodeID() != null && !info.getSwarm().getNodeID().isBlank()) {
            nodeId = info.getSwarm().getNodeID();
            role = Boolean.TRUE.equals(info.getSwarm().getControlAvailable()) ? "manager" : "worker";
        }
        return new NodeFacts(info.getName(), nodeId, role, info.getNCPU(), info.getMemTotal(),
                info.getServerVersion(), info.getContainersRunning(), Instant.now());
    }

    @Override
    public Subscription stats(String containerId, Consumer<StatsSample> onSample, Runnable onEnd) {
        return stream(streams.statsCmd(containerId), statistics -> {
            StatsSample sample = sample(statistics);
            if (sample != null) {
                onSample.accept(sample);
            }
        }, onEnd);
    }

    @Override
    public Subscription changes(Consumer<String> onChange, Runnable onEnd) {
        var events = streams.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK)
                .withEventFilter("start", "die", "destroy", "rename", "pause", "unpause", "connect", "disconnect");
        return stream(events, event -> onChange.accept(containerOf(event)), onEnd);
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
            if (e.getCause() instanceof ContainerNotFoundException notFound) {
                throw notFound;
            }
            throw new EngineUnavailableException("The Docker Engine did not answer (" + what + "): "
                    + rootMessage(e.getCause()), e.getCause());
        }
    }

    private static <T> Subscription stream(com.github.dockerjava.api.command.AsyncDockerCmd<?, T> command,
                                           Consumer<T> onItem, Runnable onEnd) {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (!closed.get() && ended.compareAndSet(false, true)) {
                onEnd.run();
            }
        };
        ResultCallback.Adapter<T> callback = new ResultCallback.Adapter<>() {
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
            try {
                callback.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing an engine stream failed", e);
            }
        };
    }

    private static StatsSample sample(Statistics s) {
        CpuStatsConfig cpu = s.getCpuStats();
        MemoryStatsConfig memory = s.getMemoryStats();
        if (cpu == null || cpu.getCpuUsage() == null || cpu.getCpuUsage().getTotalUsage() == null) {
            return null;
        }
        CpuStatsConfig pre = s.getPreCpuStats();
        long preTotal = pre == null || pre.getCpuUsage() == null ? 0 : orZero(pre.getCpuUsage().getTotalUsage());
        long preSystem = pre == null ? 0 : orZero(pre.getSystemCpuUsage());
        int online = (int) orZero(cpu.getOnlineCpus());
        if (online == 0 && cpu.getCpuUsage().getPercpuUsage() != null) {
            online = cpu.getCpuUsage().getPercpuUsage().size();
        }
        long usage = memory == null ? 0 : orZero(memory.getUsage());
        long limit = memory == null ? 0 : orZero(memory.getLimit());
        return new StatsSample(instantOrNow(s.getRead()), cpu.getCpuUsage().getTotalUsage(),
                orZero(cpu.getSystemCpuUsage()), preTotal, preSystem, online,
                withoutCache(usage, memory == null ? null : memory.getStats()), limit);
    }

    /** Memory use the way the docker CLI shows it: usage minus the inactive page cache (cgroup v1 or v2). */
    private static long withoutCache(long usage, StatsConfig stats) {
        if (stats == null) {
            return usage;
        }
        Long v1 = stats.getTotalInactiveFile();
        if (v1 != null) {
            return v1 < usage ? usage - v1 : usage;
        }
        Long v2 = stats.getInactiveFile();
        return v2 != null && v2 < usage ? usage - v2 : usage;
    }

    private static String containerOf(Event event) {
        if (event.getType() == EventType.NETWORK && event.getActor() != null
                && event.getActor().getAttributes() != null) {
            return event.getActor().getAttributes().get("container");
        }
        return event.getActor() != null ? event.getActor().getId() : event.getId();
    }

    private static List<String> addressesOf(ContainerNetwork net) {
        List<String> result = new ArrayList<>(2);
        if (net.getIpAddress() != null && !net.getIpAddress().isBlank()) {
            result.add(net.getIpAddress());
        }
        if (net.getGlobalIPv6Address() != null && !net.getGlobalIPv6Address().isBlank()) {
            result.add(net.getGlobalIPv6Address());
        }
        return result;
    }

    private static String withoutPrefix(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant instantOrNow(String text) {
        return Objects.requireNonNullElseGet(instant(text), Instant::now);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
