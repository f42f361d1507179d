package io.dockhand.agent.work;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dockhand.agent.executor.Limits;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

import io.dockhand.web.ClusterToken;
import io.dockhand.web.Json;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkPiecesTest {

    @Test
    void countsTheLinesPerStreamOfALogPage() throws IOException {
        String page = """
                {"items":[{"offset":0,"end":10,"stream":"build","text":"Step 1/2\\nok\\n","at":"2026-01-01T00:00:00Z"},
                {"offset":10,"end":20,"stream":"stdout","text":"a\\nb\\n","at":"2026-01-01T00:00:00Z"},
                {"offset":20,"end":30,"stream":"stderr","text":"e\\n"},
                {"offset":30,"end":40,"stream":"stdout","text":"c\\n"}],"nextOffset":40}""";

        LogCount count = LogCount.read(Json.MAPPER.getFactory().createParser(page));

        assertThat(count).isEqualTo(new LogCount(3, 1, 4, 40));
    }

    @Test
    void tagsAnImageByItsContextAndDockerfile() {
        String tag = RunImage.tag("sha256:" + "0123456789abcdef".repeat(4), "Dockerfile");
        assertThat(tag).matches("dockhand-run/0123456789abcdef-[0-9a-f]{8}:latest");
        assertThat(RunImage.tag("sha256:" + "0123456789abcdef".repeat(4), "sub/Dockerfile")).isNotEqualTo(tag);
    }

    @Test
    void saysWhichCommandWasNotFoundWhenTheExitCodeSaysSo() {
        assertThat(RunJob.notFound(127, "[FATAL tini (7)] exec /no/such/command failed: No such file or directory"))
                .isEqualTo(" (command not found: exec /no/such/command failed: No such file or directory)");
        assertThat(RunJob.notFound(127, "sh: 1: nope: not found\n"))
                .isEqualTo(" (command not found: sh: 1: nope: not found)");
        assertThat(RunJob.notFound(126, "sh: 1: ./x: Permission denied"))
                .isEqualTo(" (command not executable: sh: 1: ./x: Permission denied)");
        assertThat(RunJob.notFound(127, null)).isEmpty();
        assertThat(RunJob.notFound(3, "anything")).isEmpty();
    }

    @Test
    void limitsEveryRunsProcessesAndGivesTheDefaultMemoryToARunThatNamesNone() {
        WorkSettings defaults = WorkSettings.create(Config.just(ConfigSources.create(Map.of())));
        assertThat(defaults.pidsLimit()).isEqualTo(4096);
        assertThat(defaults.memoryBytes()).isZero();
        assertThat(RunJob.limits(run(0.5, 0), defaults)).isEqualTo(new Limits(0.5, 0, 4096));

        WorkSettings set = WorkSettings.create(Config.just(ConfigSources.create(
                Map.of("agent.limits.pids", "100", "agent.limits.memory", "2g"))));
        assertThat(RunJob.limits(run(0, 0), set)).isEqualTo(new Limits(0, 2L << 30, 100));
        assertThat(RunJob.limits(run(1, 64L << 20), set)).isEqualTo(new Limits(1, 64L << 20, 100));

        assertThatThrownBy(() -> WorkSettings.create(Config.just(ConfigSources.create(
                Map.of("agent.limits.memory", "lots"))))).hasMessageContaining("agent.limits.memory");
        assertThatThrownBy(() -> WorkSettings.create(Config.just(ConfigSources.create(
                Map.of("agent.limits.pids", "-1"))))).hasMessageContaining("agent.limits.pids");
    }

    @Test
    void keepsTheImageOfARunInHandFromTheMomentItIsObtained() {
        WorkSettings settings = WorkSettings.create(Config.just(ConfigSources.create(Map.of())));
        WorkContext work = new WorkContext("n", null, null, settings, null, null);
        RunJob job = new RunJob(work, run(0, 0), 10);
        work.jobs().put(job.run().id(), job);
        assertThat(NodeWork.imagesInUse(work)).isEmpty();

        job.imageObtained("sha256:" + "ab".repeat(32));

        assertThat(job.run().imageId()).as("the claim's snapshot").isNull();
        assertThat(NodeWork.imagesInUse(work)).containsExactly("sha256:" + "ab".repeat(32));
    }

    private static Run run(double cpus, long memoryBytes) {
        return new Run("r", RunState.ASSIGNED, "n", false, "sha256:c", 1, null, List.of(), Map.of(), cpus,
                memoryBytes, 0, 1, 1, null, null, null, false, 0, Instant.now(), null, null, null, null, null, null, null);
    }

    @Test
    void labelsAClusterByItsTokensHashAndNoneWithoutOne() {
        assertThat(NodeWork.clusterOf(ClusterToken.of("secret", null))).hasSize(16).matches("[0-9a-f]{16}")
                .isNotEqualTo(NodeWork.clusterOf(ClusterToken.of("other", null)));
        assertThat(NodeWork.clusterOf(ClusterToken.none())).isEqualTo("none");
    }
}
