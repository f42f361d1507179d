package io.dockhand.agent.work;

import java.io.IOException;

import io.dockhand.web.ClusterToken;
import io.dockhand.web.Json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkPiecesTest {

    @Test
    void countsTheLinesPerStreamOfALogPage() throws IOException {
        String page = """
                {"items":[{"offset":0,"end":10,"stream":"build","text":"Step 1/2\\nok\\n","at":"2026-01-01T00:00:00Z"},
                {"offset":10,"end":20,"stream":"stdout","text":"a\\nb\\n","at":"2026-01-01T00:00:00Z"},
                {"offset":20,"end":30,"stream":"stderr","text":"e\\n"},
                {"offset":30,"end":40,"stream":"stdout","text":"c\\n"}],"nextOffset":40}""";

        WorkClient.LogCount count = WorkClient.LogCount.read(Json.MAPPER.getFactory().createParser(page));

        assertThat(count).isEqualTo(new WorkClient.LogCount(3, 1, 4, 40));
    }

    @Test
    void tagsAnImageByItsContextAndDockerfile() {
        String tag = RunJob.tag("sha256:" + "0123456789abcdef".repeat(4), "Dockerfile");
        assertThat(tag).matches("dockhand-run/0123456789abcdef-[0-9a-f]{8}:latest");
        assertThat(RunJob.tag("sha256:" + "0123456789abcdef".repeat(4), "sub/Dockerfile")).isNotEqualTo(tag);
    }

    @Test
    void labelsAClusterByItsTokensHashAndNoneWithoutOne() {
        assertThat(NodeWork.clusterOf(ClusterToken.of("secret", null))).hasSize(16).matches("[0-9a-f]{16}")
                .isNotEqualTo(NodeWork.clusterOf(ClusterToken.of("other", null)));
        assertThat(NodeWork.clusterOf(ClusterToken.none())).isEqualTo("none");
    }
}
