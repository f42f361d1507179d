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
}
