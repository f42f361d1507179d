package io.dockhand.agent.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DockerModelsTest {

    private static final String ID = "sha256:5bacc604284d21bbe41e00c19c7666b8389c02bbd734484516543221d4bbb52b";

    @Test
    void reportsTheTagAContainerWasStartedFrom() {
        assertThat(DockerModels.imageReference("dockhand/debian:bookworm", ID)).isEqualTo("dockhand/debian:bookworm");
        assertThat(DockerModels.imageReference("registry:5000/app", ID)).isEqualTo("registry:5000/app");
    }

    @Test
    void dropsTheDigestSwarmPinsButKeepsADigestOnlyReference() {
        assertThat(DockerModels.imageReference("dockhand/agent:latest@sha256:" + "e".repeat(64), ID))
                .isEqualTo("dockhand/agent:latest");
        assertThat(DockerModels.imageReference("dockhand/agent@sha256:" + "e".repeat(64), ID))
                .isEqualTo("dockhand/agent@sha256:" + "e".repeat(64));
    }

    @Test
    void reportsTheFullImageIdWhenStartedByIdOrUntagged() {
        assertThat(DockerModels.imageReference("5bacc604284d", ID)).isEqualTo(ID);
        assertThat(DockerModels.imageReference(ID, ID)).isEqualTo(ID);
        assertThat(DockerModels.imageReference(null, ID)).isEqualTo(ID);
    }

    @Test
    void describesAManagersNodeWithItsSwarmLabelsAndSwarmsViewOfEveryNode() {
        var info = new com.github.dockerjava.api.model.Info().withName("m1").withNCPU(4).withMemTotal(8L << 30)
                .withServerVersion("20.10.24").withContainersRunning(3).withLabels(new String[] {"engine=1"})
                .withSwarm(new com.github.dockerjava.api.model.SwarmInfo().withNodeID("n1").withNodeAddr("10.0.0.1")
                        .withControlAvailable(true));
        var self = swarmNode("n1", "m1", com.github.dockerjava.api.model.SwarmNodeRole.MANAGER,
                com.github.dockerjava.api.model.SwarmNodeState.READY, java.util.Map.of("zone", "a"));
        var other = swarmNode("n2", "w1", com.github.dockerjava.api.model.SwarmNodeRole.WORKER,
                com.github.dockerjava.api.model.SwarmNodeState.DOWN, java.util.Map.of());

        NodeDescription node = DockerModels.nodeDescription(info, java.util.List.of(self, other));

        assertThat(node.swarmNodeId()).isEqualTo("n1");
        assertThat(node.role()).isEqualTo("manager");
        assertThat(node.swarmAddress()).isEqualTo("10.0.0.1");
        assertThat(node.labels()).isEqualTo(java.util.Map.of("zone", "a"));
        assertThat(node.swarmNodes()).containsExactly(
                new io.dockhand.api.SwarmNode("n1", "m1", "manager", "ready", "active"),
                new io.dockhand.api.SwarmNode("n2", "w1", "worker", "down", "active"));
    }

    @Test
    void describesANodeOutsideASwarmWithItsEngineLabels() {
        var info = new com.github.dockerjava.api.model.Info().withName("solo").withNCPU(2).withMemTotal(1L << 30)
                .withServerVersion("20.10.24").withContainersRunning(0).withLabels(new String[] {"a=b", "flag"})
                .withSwarm(new com.github.dockerjava.api.model.SwarmInfo().withNodeID("").withNodeAddr(""));

        NodeDescription node = DockerModels.nodeDescription(info, java.util.List.of());

        assertThat(node.swarmNodeId()).isNull();
        assertThat(node.swarmAddress()).isNull();
        assertThat(node.labels()).isEqualTo(java.util.Map.of("a", "b", "flag", ""));
        assertThat(node.swarmNodes()).isEmpty();
    }

    private static com.github.dockerjava.api.model.SwarmNode swarmNode(String id, String host,
            com.github.dockerjava.api.model.SwarmNodeRole role, com.github.dockerjava.api.model.SwarmNodeState state,
            java.util.Map<String, String> labels) {
        return new com.github.dockerjava.api.model.SwarmNode().withId(id)
                .withDescription(new com.github.dockerjava.api.model.SwarmNodeDescription().withHostname(host))
                .withSpec(new com.github.dockerjava.api.model.SwarmNodeSpec().withRole(role).withLabels(labels)
                        .withAvailability(com.github.dockerjava.api.model.SwarmNodeAvailability.ACTIVE))
                .withStatus(new com.github.dockerjava.api.model.SwarmNodeStatus().withState(state));
    }
}
