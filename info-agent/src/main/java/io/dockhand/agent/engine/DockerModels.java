package io.dockhand.agent.engine;

import io.dockhand.api.NodeFacts;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.github.dockerjava.api.command.InspectContainerResponse;
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
import com.github.dockerjava.api.model.SwarmNode;

/**
 * Turns docker-java's models into the agent's records, keeping only what the agent may reveal (never the
 * environment, command line, mounts, secrets or configs). The other half of {@link DockerEngine}.
 */
final class DockerModels {

    private DockerModels() {
    }

    static List<Attachment> attachments(List<Container> running, Network gatewayBridge) {
        List<Attachment> result = new ArrayList<>();
        for (Container container : running) {
            if (container.getNetworkSettings() == null || container.getNetworkSettings().getNetworks() == null) {
                continue;
            }
            container.getNetworkSettings().getNetworks().forEach((name, net) ->
                    addressesOf(net).forEach(ip -> result.add(new Attachment(container.getId(), name, ip))));
        }
        if (gatewayBridge != null && gatewayBridge.getContainers() != null) {
            gatewayBridge.getContainers().forEach((id, endpoint) -> {
                for (String cidr : new String[] {endpoint.getIpv4Address(), endpoint.getIpv6Address()}) {
                    if (cidr != null && !cidr.isBlank()) {
                        result.add(new Attachment(id, Attachment.GATEWAY_BRIDGE, withoutPrefix(cidr)));
                    }
                }
            });
        }
        return result;
    }

    /** Each listed container's labels, by id. */
    static Map<String, Map<String, String>> labels(List<Container> running) {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (Container container : running) {
            labels.put(container.getId(), container.getLabels() == null ? Map.of() : Map.copyOf(container.getLabels()));
        }
        return labels;
    }

    static ContainerInfo containerInfo(InspectContainerResponse c) {
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
        return new ContainerInfo(c.getId(), name, imageReference(image, c.getImageId()), c.getImageId(), state,
                instant(c.getCreated()), labels, networks);
    }

    static NodeFacts nodeFacts(Info info) {
        String nodeId = null;
        String role = null;
        if (info.getSwarm() != null && info.getSwarm().getNodeID() != null && !info.getSwarm().getNodeID().isBlank()) {
            nodeId = info.getSwarm().getNodeID();
            role = Boolean.TRUE.equals(info.getSwarm().getControlAvailable()) ? "manager" : "worker";
        }
        return new NodeFacts(info.getName(), nodeId, role, info.getNCPU(), info.getMemTotal(),
                info.getServerVersion(), info.getContainersRunning(), Instant.now());
    }

    static NodeDescription nodeDescription(Info info, List<SwarmNode> swarm) {
        NodeFacts facts = nodeFacts(info);
        String address = info.getSwarm() == null ? null : blankToNull(info.getSwarm().getNodeAddr());
        Map<String, String> labels = new LinkedHashMap<>();
        if (info.getLabels() != null) {
            for (String label : info.getLabels()) {
                int eq = label.indexOf('=');
                labels.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
            }
        }
        List<io.dockhand.api.SwarmNode> view = new ArrayList<>();
        for (SwarmNode node : swarm) {
            if (node.getId() != null && node.getId().equals(facts.nodeId()) && node.getSpec() != null) {
                labels.clear();
                if (node.getSpec().getLabels() != null) {
                    labels.putAll(node.getSpec().getLabels());
                }
            }
            view.add(new io.dockhand.api.SwarmNode(node.getId(),
                    node.getDescription() == null ? null : node.getDescription().getHostname(),
                    node.getSpec() == null || node.getSpec().getRole() == null ? null
                            : node.getSpec().getRole().name().toLowerCase(Locale.ROOT),
                    node.getStatus() == null || node.getStatus().getState() == null ? null
                            : node.getStatus().getState().name().toLowerCase(Locale.ROOT),
                    node.getSpec() == null || node.getSpec().getAvailability() == null ? null
                            : node.getSpec().getAvailability().name().toLowerCase(Locale.ROOT)));
        }
        return new NodeDescription(facts.hostname(), facts.nodeId(), facts.role(), address, facts.cpus(),
                                   facts.memoryBytes(), facts.engineVersion(), labels, facts.containersRunning(),
                                   view);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    static StatsSample sample(Statistics s) {
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

    /**
     * The image a container was started from: its tag without the digest swarm pins ({@code app:1@sha256:...} is
     * {@code app:1}), or the full image id when it was started by id or the reference is gone.
     */
    static String imageReference(String configured, String imageId) {
        if (configured == null || configured.isBlank()) {
            return imageId;
        }
        String hex = imageId == null ? "" : imageId.replaceFirst("^sha256:", "");
        String bare = configured.replaceFirst("^sha256:", "");
        if (!hex.isEmpty() && bare.matches("[0-9a-f]{12,64}") && hex.startsWith(bare)) {
            return imageId;
        }
        int digest = configured.indexOf('@');
        String named = digest > 0 ? configured.substring(0, digest) : configured;
        boolean tagged = named.lastIndexOf(':') > named.lastIndexOf('/');
        return digest > 0 && tagged ? named : configured;
    }

    static String containerOf(Event event) {
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
}
