package io.dockhand.agent.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceGlobalModeOptions;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;

/**
 * The swarm services a deployment's {@link io.dockhand.api.ServiceSpec} becomes: the app's service (replicated,
 * health-checked, updated start-first one replica at a time with rollback on failure) and, when the app is
 * published through the gateway, its global gateway service publishing the port in host mode on every node.
 */
final class DockerServiceSpecs {

    static final String DEPLOYMENT = "io.dockhand.deployment";
    static final String REVISION = "io.dockhand.revision";
    /** The label on an app's gateway service holding the {@link #fingerprint} of the spec it was made from. */
    static final String GATEWAY_SPEC = "io.dockhand.gateway.spec";
    /** The suffix of an app's gateway service's name. */
    static final String GATEWAY_SUFFIX = "-gw";

    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
    /**
     * How long one check may take. The check may start an interpreter (Python, Node) before it asks: on a loaded
     * node that took more than 2 s, and swarm replaced healthy replicas again and again (the Vagrant VMs under
     * software emulation, with a timeout of 2 s: 0/2 running several times within five minutes).
     */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);
    /** How long one client in the check waits for the app's answer. */
    static final int HEALTH_ANSWER_SECONDS = 5;
    static final int HEALTH_RETRIES = 3;
    static final Duration HEALTH_START_PERIOD = Duration.ofSeconds(5);
    static final Duration UPDATE_MONITOR = Duration.ofSeconds(10);

    /** What a health path may hold: it goes into a shell command, so no quote, no blank, nothing the shell reads. */
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/._~%?&=+,:@-]*");

    private DockerServiceSpecs() {
    }

    /** The app's service. */
    static ServiceSpec app(io.dockhand.api.ServiceSpec spec, String cluster) {
        Map<String, String> labels = labels(spec, cluster);
        ContainerSpec container = new ContainerSpec()
                .withImage(spec.image())
                .withEnv(env(spec.env()))
                .withLabels(labels)
                .withHealthCheck(healthCheck(spec.port(), spec.healthPath()))
                .withStopGracePeriod(Duration.ofSeconds(10).toNanos());
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY)
                                           .withDelay(Duration.ofSeconds(2).toNanos()))
                .withResources(resources(spec.cpus(), spec.memoryBytes()))
                .withNetworks(networks(spec.network()));
        boolean ingress = "ingress".equals(spec.publish());
        EndpointSpec endpoint = ingress
                ? new EndpointSpec().withMode(EndpointResolutionMode.VIP).withPorts(List.of(new PortConfig()
                        .withProtocol(PortConfigProtocol.TCP).withTargetPort(spec.port())
                        .withPublishedPort(spec.publishedPort()).withPublishMode(PortConfig.PublishMode.ingress)))
                : new EndpointSpec().withMode(EndpointResolutionMode.DNSRR);
        return new ServiceSpec()
                .withName(spec.name())
                .withLabels(labels)
                .withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(
                        new ServiceReplicatedModeOptions().withReplicas(spec.replicas())))
                .withUpdateConfig(new UpdateConfig().withParallelism(1L).withOrder(UpdateOrder.START_FIRST)
                                          .withFailureAction(UpdateFailureAction.ROLLBACK)
                                          .withMonitor(UPDATE_MONITOR.toNanos()).withDelay(0L)
                                          .withMaxFailureRatio(0f))
                .withRollbackConfig(new UpdateConfig().withParallelism(1L).withOrder(UpdateOrder.START_FIRST)
                                            .withFailureAction(UpdateFailureAction.PAUSE)
                                            .withMonitor(UPDATE_MONITOR.toNanos()).withDelay(0L))
                .withEndpointSpec(endpoint);
    }

    /**
     * The app's gateway service: global, the stack's gateway image listening on the published port inside and
     * published in host mode on every node, forwarding to the app's tasks (the app's name resolves to them with
     * {@code dnsrr}). A node's port can be held by one task only, so it updates stop-first.
     */
    static ServiceSpec gateway(io.dockhand.api.ServiceSpec spec, String cluster) {
        return gateway(spec, cluster, null);
    }

    /**
     * The app's gateway service, tuned like the stack's own gateway service ({@code like}, its container spec; null
     * when there is none): that one's health check, when it sets one, instead of the image's, and its
     * {@code JAVA_TOOL_OPTIONS}. So a cluster that gives its gateways more time to start (the Vagrant VMs under
     * software emulation, provision/vagrant-emulation.yml: a JVM there takes minutes, and the image's 10 s of grace
     * would have swarm kill it over and over) gives the apps' gateways the same.
     */
    static ServiceSpec gateway(io.dockhand.api.ServiceSpec spec, String cluster, ContainerSpec like) {
        Map<String, String> labels = labels(spec, cluster);
        Map<String, String> env = new TreeMap<>(Map.of("GATEWAY_PORT", Integer.toString(spec.publishedPort()),
                                                       "GATEWAY_BACKEND_HOST", spec.name(),
                                                       "GATEWAY_BACKEND_PORT", Integer.toString(spec.port())));
        if (like != null && like.getEnv() != null) {
            like.getEnv().stream().filter(e -> e.startsWith(JAVA_TOOL_OPTIONS + "=")).findFirst()
                    .ifPresent(e -> env.put(JAVA_TOOL_OPTIONS, e.substring(JAVA_TOOL_OPTIONS.length() + 1)));
        }
        ContainerSpec container = new ContainerSpec()
                .withImage(spec.gatewayImage())
                .withEnv(env(env));
        if (like != null && like.getHealthCheck() != null) {
            container.withHealthCheck(like.getHealthCheck());
        }
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY)
                                           .withDelay(Duration.ofSeconds(2).toNanos()))
                .withNetworks(networks(spec.network()));
        ServiceSpec gateway = new ServiceSpec()
                .withName(gatewayName(spec.name()))
                .withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withGlobal(new ServiceGlobalModeOptions()))
                .withUpdateConfig(new UpdateConfig().withParallelism(1L).withOrder(UpdateOrder.STOP_FIRST))
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR).withPorts(List.of(
                        new PortConfig().withProtocol(PortConfigProtocol.TCP).withTargetPort(spec.publishedPort())
                                .withPublishedPort(spec.publishedPort()).withPublishMode(PortConfig.PublishMode.host))));
        // the fingerprint leaves the labels out: they carry the deployment's revision, and an update of the app
        // must not restart its gateway (stop-first: the published port would refuse requests meanwhile)
        Map<String, String> serviceLabels = new LinkedHashMap<>(labels);
        serviceLabels.put(GATEWAY_SPEC, fingerprint(gateway));
        container.withLabels(labels);
        return gateway.withLabels(serviceLabels);
    }

    /**
     * A digest of a service spec as sent to the engine. The gateway carries the one it was made from, so a changed
     * spec (another image, port or health check, the stack's gateway tuned differently) is seen by comparing
     * labels, not by comparing what the engine hands back, which it may normalise.
     */
    static String fingerprint(ServiceSpec spec) {
        try {
            byte[] json = SPEC_JSON.writeValueAsBytes(spec);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot digest a service spec", e);
        }
    }

    private static final ObjectMapper SPEC_JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    static String gatewayName(String service) {
        return service + GATEWAY_SUFFIX;
    }

    /**
     * The health check: the app's health path answered 2xx-3xx on its port inside the container, asked with
     * whichever HTTP client the image has (curl, wget, Python, Node), unhealthy when none answers.
     */
    static HealthCheck healthCheck(int port, String healthPath) {
        String path = healthPath == null || healthPath.isBlank() ? "/" : healthPath.strip();
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("Not a health path: " + path);
        }
        String url = "http://127.0.0.1:" + port + path;
        int wait = HEALTH_ANSWER_SECONDS;
        String command = "curl -fsS -o /dev/null --max-time " + wait + " '" + url + "'"
                + " || wget -q -O /dev/null -T " + wait + " '" + url + "'"
                + " || python3 -c \"import urllib.request; urllib.request.urlopen('" + url + "', timeout=" + wait
                + ")\""
                + " || node -e \"require('http').get('" + url + "', r => process.exit(r.statusCode < 400 ? 0 : 1))"
                + ".on('error', () => process.exit(1))\""
                + " || exit 1";
        return new HealthCheck()
                .withTest(List.of("CMD-SHELL", command))
                .withInterval(HEALTH_INTERVAL.toNanos())
                .withTimeout(HEALTH_TIMEOUT.toNanos())
                .withRetries(HEALTH_RETRIES)
                .withStartPeriod(HEALTH_START_PERIOD.toNanos());
    }

    static Map<String, String> labels(io.dockhand.api.ServiceSpec spec, String cluster) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DockerTasks.MANAGED, "true");
        if (cluster != null) {
            labels.put(DockerTasks.CLUSTER, cluster);
        }
        labels.put(DEPLOYMENT, spec.deployment());
        labels.put(REVISION, Integer.toString(spec.revision()));
        return labels;
    }

    static List<String> env(Map<String, String> env) {
        if (env == null) {
            return List.of();
        }
        return new TreeMap<>(env).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private static ResourceRequirements resources(double cpus, long memoryBytes) {
        ResourceSpecs limits = new ResourceSpecs();
        if (cpus > 0) {
            limits.withNanoCPUs(Math.round(cpus * 1e9));
        }
        if (memoryBytes > 0) {
            limits.withMemoryBytes(memoryBytes);
        }
        return new ResourceRequirements().withLimits(limits);
    }

    private static List<NetworkAttachmentConfig> networks(String network) {
        return network == null || network.isBlank() ? List.of()
                : List.of(new NetworkAttachmentConfig().withTarget(network));
    }
}
