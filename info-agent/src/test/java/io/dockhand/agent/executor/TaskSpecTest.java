package io.dockhand.agent.executor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSpecTest {

    @Test
    void hasNoWayToAskForTheHost() {
        assertThat(Arrays.stream(TaskSpec.class.getRecordComponents()).map(c -> c.getName()))
                .containsExactly("id", "image", "command", "env", "labels", "workingDir", "limits", "run");
        assertThat(Arrays.stream(RunRef.class.getRecordComponents()).map(c -> c.getName()))
                .containsExactly("runId", "attempt", "node");
        assertThat(Arrays.stream(Limits.class.getRecordComponents()).map(c -> c.getName()))
                .containsExactly("cpus", "memoryBytes", "pids");
    }

    @Test
    void refusesIdsThatCannotNameAContainerAndLabelsThatAreTheDrivers() {
        for (String id : List.of("", "-x", "a/b", "a b", "x".repeat(65))) {
            assertThatThrownBy(() -> TaskSpec.of(id, "img")).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new TaskSpec("t", "img", List.of(), Map.of(),
                Map.of("io.dockhand.managed", "false"), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TaskSpec("t", "img", List.of(), Map.of("A=B", "c"), Map.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TaskSpec("t", "img", List.of(), Map.of(), Map.of(), "relative", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BuildSpec("x", Map.of("io.dockhand.task", "t"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesLimitsTheEngineWouldNot() {
        assertThatThrownBy(() -> new Limits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(Double.NaN, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(0, 1024, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TaskSpec.of("t", "img").limits()).isEqualTo(Limits.NONE);
    }

    @Test
    void acceptsRegistryReferencesWithAPort() {
        assertThat(new BuildSpec("127.0.0.1:5000/runs/abc:1", null, null).tag()).isEqualTo("127.0.0.1:5000/runs/abc:1");
        assertThat(new BuildSpec(null, null, null).timeout()).isEqualTo(BuildSpec.DEFAULT_TIMEOUT);
    }
}
