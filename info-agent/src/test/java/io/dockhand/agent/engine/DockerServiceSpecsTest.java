package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dockhand.api.ServiceSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerServiceSpecsTest {

    private static final String IMAGE = "127.0.0.1:5000/dockhand/hello@sha256:" + "a".repeat(64);
    private static final String CLUSTER = "0123456789abcdef";
    /** Serialized as docker-java sends it to the engine. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ServiceSpec spec(String publish) {
        return new ServiceSpec("dh-hello", "hello", 3, IMAGE, 8000, 18080, publish, 2,
                               Map.of("GREETING", "hi", "A", "1"), 0.5, 256L * 1024 * 1024, "/health", 60,
                               "dockhand_net", "dockhand/gateway:latest");
    }

    @Test
    void appRunsTheImageByDigestWithReplicasEnvLimitsAndTheStackNetwork() {
        var app = DockerServiceSpecs.app(spec("gateway"), CLUSTER);
        assertThat(app.getName()).isEqualTo("dh-hello");
        assertThat(app.getMode().getReplicated().getReplicas()).isEqualTo(2);
        var container = app.getTaskTemplate().getContainerSpec();
        assertThat(container.getImage()).isEqualTo(IMAGE);
        assertThat(container.getEnv()).containsExactly("A=1", "GREETING=hi");
        var limits = app.getTaskTemplate().getResources().getLimits();
        assertThat(limits.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(limits.getMemoryBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(app.getTaskTemplate().getNetworks()).singleElement()
                .satisfies(n -> assertThat(n.getTarget()).isEqualTo("dockhand_net"));
        assertThat(app.getTaskTemplate().getRestartPolicy().getCondition()).isEqualTo(ServiceRestartCondition.ANY);
    }

    @Test
    void appAndItsContainersCarryTheClusterDeploymentAndRevisionLabels() {
        var app = DockerServiceSpecs.app(spec("gateway"), CLUSTER);
        Map<String, String> expected = Map.of("io.dockhand.managed", "true", "io.dockhand.cluster", CLUSTER,
                                              "io.dockhand.deployment", "hello", "io.dockhand.revision", "3");
        assertThat(app.getLabels()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(app.getTaskTemplate().getContainerSpec().getLabels()).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void healthCheckAsksTheHealthPathWithWhicheverClientTheImageHas() {
        HealthCheck check = DockerServiceSpecs.app(spec("gateway"), CLUSTER).getTaskTemplate().getContainerSpec()
                .getHealthCheck();
        assertThat(check.getTest()).hasSize(2).first().isEqualTo("CMD-SHELL");
        String command = check.getTest().get(1);
        assertThat(command).startsWith("curl -fsS -o /dev/null --max-time 5 'http://127.0.0.1:8000/health'")
                .contains("|| wget -q -O /dev/null -T 5 'http://127.0.0.1:8000/health'")
                .contains("|| python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=5)")
                .contains("|| node -e ")
                .endsWith("|| exit 1");
        assertThat(check.getInterval()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(check.getTimeout()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(check.getRetries()).isEqualTo(3);
        assertThat(check.getStartPeriod()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void healthCheckRefusesAPathTheShellWouldRead() {
        assertThatThrownBy(() -> DockerServiceSpecs.healthCheck(80, "/x'; rm -rf /"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DockerServiceSpecs.healthCheck(80, "/$(id)")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DockerServiceSpecs.healthCheck(80, null).getTest().get(1)).contains("'http://127.0.0.1:80/'");
        assertThat(DockerServiceSpecs.healthCheck(80, "/ready?full=1").getTest().get(1))
                .contains("'http://127.0.0.1:80/ready?full=1'");
    }

    @Test
    void updatesOneReplicaAtATimeStartFirstAndRollsBackOnFailure() {
        var app = DockerServiceSpecs.app(spec("gateway"), CLUSTER);
        var update = app.getUpdateConfig();
        assertThat(update.getParallelism()).isEqualTo(1L);
        assertThat(update.getOrder()).isEqualTo(UpdateOrder.START_FIRST);
        assertThat(update.getFailureAction()).isEqualTo(UpdateFailureAction.ROLLBACK);
        assertThat(update.getMonitor()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(app.getRollbackConfig().getOrder()).isEqualTo(UpdateOrder.START_FIRST);
        assertThat(app.getRollbackConfig().getParallelism()).isEqualTo(1L);
    }

    @Test
    void gatewayModeAppIsDnsrrWithoutPortsAndItsGatewayPublishesInHostModeOnEveryNode() {
        var app = DockerServiceSpecs.app(spec("gateway"), CLUSTER);
        assertThat(app.getEndpointSpec().getMode()).isEqualTo(EndpointResolutionMode.DNSRR);
        assertThat(app.getEndpointSpec().getPorts()).isNullOrEmpty();

        var gw = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER);
        assertThat(gw.getName()).isEqualTo("dh-hello-gw");
        assertThat(gw.getMode().getGlobal()).isNotNull();
        assertThat(gw.getMode().getReplicated()).isNull();
        assertThat(gw.getTaskTemplate().getContainerSpec().getImage()).isEqualTo("dockhand/gateway:latest");
        assertThat(gw.getTaskTemplate().getContainerSpec().getEnv()).containsExactly(
                "GATEWAY_BACKEND_HOST=dh-hello", "GATEWAY_BACKEND_PORT=8000", "GATEWAY_PORT=18080");
        assertThat(gw.getEndpointSpec().getMode()).isEqualTo(EndpointResolutionMode.DNSRR);
        assertThat(gw.getEndpointSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPublishMode()).isEqualTo(PortConfig.PublishMode.host);
            assertThat(p.getPublishedPort()).isEqualTo(18080);
            assertThat(p.getTargetPort()).isEqualTo(18080);
        });
        assertThat(gw.getTaskTemplate().getNetworks()).singleElement()
                .satisfies(n -> assertThat(n.getTarget()).isEqualTo("dockhand_net"));
        assertThat(gw.getLabels()).containsEntry("io.dockhand.deployment", "hello")
                .containsEntry("io.dockhand.cluster", CLUSTER);
        assertThat(gw.getUpdateConfig().getOrder()).isEqualTo(UpdateOrder.STOP_FIRST);
    }

    @Test
    void theGatewayIsTunedLikeTheStacksOwnGatewayWhenThereIsOne() {
        // the stack's gateway under emulation (provision/vagrant-emulation.yml): 900 s of grace, C1 only
        var slow = new HealthCheck().withInterval(30_000_000_000L).withTimeout(60_000_000_000L).withRetries(10)
                .withStartPeriod(900_000_000_000L);
        var like = new ContainerSpec().withImage("dockhand/gateway:latest").withHealthCheck(slow)
                .withEnv(List.of("GATEWAY_PORT=5001", "JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1", "OTHER=x"));
        var gw = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, like).getTaskTemplate().getContainerSpec();
        assertThat(gw.getHealthCheck()).isSameAs(slow);
        assertThat(gw.getEnv()).containsExactly("GATEWAY_BACKEND_HOST=dh-hello", "GATEWAY_BACKEND_PORT=8000",
                "GATEWAY_PORT=18080", "JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1");

        // a stack gateway without either: the image's health check, no JVM options
        var plain = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, new ContainerSpec().withImage("g"))
                .getTaskTemplate().getContainerSpec();
        assertThat(plain.getHealthCheck()).isNull();
        assertThat(plain.getEnv()).containsExactly("GATEWAY_BACKEND_HOST=dh-hello", "GATEWAY_BACKEND_PORT=8000",
                "GATEWAY_PORT=18080");
        assertThat(DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, null).getTaskTemplate().getContainerSpec()
                .getHealthCheck()).isNull();
    }

    @Test
    void aGatewayIsUpdatedWhenWhatItWasMadeFromChangesAndOnlyThen() {
        var slow = new HealthCheck().withInterval(30_000_000_000L).withRetries(10).withStartPeriod(900_000_000_000L);
        var like = new ContainerSpec().withImage("g").withHealthCheck(slow).withEnv(List.of("JAVA_TOOL_OPTIONS=-Xss1m"));
        var made = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, like);
        assertThat(made.getLabels()).containsKey(DockerServiceSpecs.GATEWAY_SPEC);
        assertThat(made.getTaskTemplate().getContainerSpec().getLabels())
                .doesNotContainKey(DockerServiceSpecs.GATEWAY_SPEC);

        // the same inputs, built again (as the next deploy does): nothing to update
        var again = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, new ContainerSpec().withImage("g")
                .withHealthCheck(new HealthCheck().withInterval(30_000_000_000L).withRetries(10)
                                         .withStartPeriod(900_000_000_000L))
                .withEnv(List.of("JAVA_TOOL_OPTIONS=-Xss1m")));
        assertThat(DockerServices.sameGateway(made, again)).isTrue();

        // the app updated to revision 4 with another image, replicas and env: its gateway stays as it is
        var revision4 = new io.dockhand.api.ServiceSpec("dh-hello", "hello", 4, "127.0.0.1:5000/hello@sha256:"
                + "b".repeat(64), 8000, 18080, "gateway", 3, Map.of("GREETING", "hello"), 1.0, 512L * 1024 * 1024,
                "/ready", 90, "dockhand_net", "dockhand/gateway:latest");
        var afterUpdate = DockerServiceSpecs.gateway(revision4, CLUSTER, like);
        assertThat(afterUpdate.getLabels()).containsEntry(DockerServiceSpecs.REVISION, "4");
        assertThat(DockerServices.sameGateway(made, afterUpdate)).isTrue();

        // the stack's gateway got another health check, or other JVM options, or none: update
        var patient = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, new ContainerSpec().withImage("g")
                .withHealthCheck(new HealthCheck().withInterval(30_000_000_000L).withRetries(20)
                                         .withStartPeriod(900_000_000_000L)).withEnv(List.of("JAVA_TOOL_OPTIONS=-Xss1m")));
        var tuned = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, new ContainerSpec().withImage("g")
                .withEnv(List.of("JAVA_TOOL_OPTIONS=-Xss2m")));
        assertThat(DockerServices.sameGateway(made, patient)).isFalse();
        assertThat(DockerServices.sameGateway(made, tuned)).isFalse();
        assertThat(DockerServices.sameGateway(made, DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, null)))
                .isFalse();

        // a gateway made before fingerprints: compared by image, environment and ports, as it was then
        var old = DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, null);
        old.getLabels().remove(DockerServiceSpecs.GATEWAY_SPEC);
        assertThat(DockerServices.sameGateway(old, DockerServiceSpecs.gateway(spec("gateway"), CLUSTER, null)))
                .isTrue();
        assertThat(DockerServices.sameGateway(old, tuned)).isFalse();
    }

    @Test
    void ingressModeAppPublishesThroughTheRoutingMeshWithAVip() {
        var app = DockerServiceSpecs.app(spec("ingress"), CLUSTER);
        assertThat(app.getEndpointSpec().getMode()).isEqualTo(EndpointResolutionMode.VIP);
        assertThat(app.getEndpointSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPublishMode()).isEqualTo(PortConfig.PublishMode.ingress);
            assertThat(p.getPublishedPort()).isEqualTo(18080);
            assertThat(p.getTargetPort()).isEqualTo(8000);
        });
    }

    @Test
    void sendsTheEngineTheWireNamesOfModesAndOrders() throws Exception {
        JsonNode app = JSON.valueToTree(DockerServiceSpecs.app(spec("gateway"), CLUSTER));
        assertThat(app.at("/EndpointSpec/Mode").asText()).isEqualTo("dnsrr");
        assertThat(app.at("/UpdateConfig/Order").asText()).isEqualTo("start-first");
        assertThat(app.at("/UpdateConfig/FailureAction").asText()).isEqualTo("rollback");
        assertThat(app.at("/TaskTemplate/ContainerSpec/Healthcheck/Test/0").asText()).isEqualTo("CMD-SHELL");
        assertThat(app.at("/TaskTemplate/RestartPolicy/Condition").asText()).isEqualTo("any");
        JsonNode gw = JSON.valueToTree(DockerServiceSpecs.gateway(spec("gateway"), CLUSTER));
        assertThat(gw.at("/EndpointSpec/Ports/0/PublishMode").asText()).isEqualTo("host");
        assertThat(gw.at("/Mode/Global").isObject()).isTrue();
        assertThat(List.of(gw.at("/TaskTemplate/Networks/0/Target").asText())).containsExactly("dockhand_net");
    }

    @Test
    void withoutAClusterTheServicesCarryNoClusterLabel() {
        assertThat(DockerServiceSpecs.app(spec("gateway"), null).getLabels()).doesNotContainKey("io.dockhand.cluster");
    }
}
