package io.dockhand.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A jobs project on the real stack, commissioned from a client container as the README's walk-through does: a git
 * repository served by {@code git daemon} on this machine (reached by the agent's container at docker_gwbridge's
 * gateway address), a JSON-lines file of tasks each squaring its number, and {@code dockhand jobs results --wait}
 * collecting the results, whose sum is known. The repository's Dockerfile starts {@code FROM} the client image this
 * run built: the one base image sure to be on the node without a registry.
 */
@Order(4)
@ExtendWith(ClusterExtension.class)
class JobsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 8;
    private GitServer git;

    @AfterEach
    void stopGit() throws Exception {
        if (git != null) {
            git.close();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aProjectOfTasksFromGitIsWorkedByTheAgentsAndItsResultsAddUp(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        git = GitServer.start();
        String repo = serveRepository();

        Path work = git.folder("dockhand-e2e-jobs");
        String project = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder lines = new StringBuilder();
        long expected = 0;
        for (int n = 1; n <= TASKS; n++) {
            lines.append("{\"taskId\":\"square-").append(n).append("\",\"repo\":\"").append(repo)
                    .append("\",\"command\":[\"sh\",\"/square.sh\",\"").append(n).append("\"]}\n");
            expected += (long) n * n;
        }
        Files.writeString(work.resolve("tasks.jsonl"), lines);

        Docker.Result submitted = cluster.client(work, Duration.ofMinutes(6), "jobs", "submit", project, "--tasks", "tasks.jsonl");
        Cluster.log("jobs submit: " + submitted.out().strip() + " / " + submitted.err().strip());
        assertThat(submitted.exitCode()).as("stderr: %s", submitted.err()).isZero();
        assertThat(submitted.out()).contains(Integer.toString(TASKS));

        Docker.Result results = cluster.client(work, Duration.ofMinutes(6), "jobs", "results", project, "--wait", "--format", "json");
        Cluster.log("jobs results exited " + results.exitCode() + "; stderr: " + results.err().strip());
        assertThat(results.exitCode()).as("every task succeeded; out: %s err: %s", results.out(), results.err())
                .isZero();
        long sum = 0;
        List<String> tasks = new ArrayList<>();
        for (String line : results.out().strip().split("\n")) {
            JsonNode result = JSON.readTree(line);
            if (result.has("aggregate")) {
                continue;
            }
            assertThat(result.path("state").asText()).as("%s", line).isEqualTo("succeeded");
            tasks.add(result.path("taskId").asText());
            sum += Long.parseLong(result.path("stdout").asText().strip());
        }
        assertThat(tasks).as("one result per task").hasSize(TASKS).doesNotHaveDuplicates();
        assertThat(sum).as("the sum of the squares").isEqualTo(expected);

        Docker.Result status = cluster.client(work, Duration.ofMinutes(6), "jobs", "status", project);
        assertThat(status.exitCode()).as("stderr: %s", status.err()).isZero();
        assertThat(status.out()).contains("succeeded").contains(Integer.toString(TASKS));
    }

    /** A repository with a Dockerfile and square.sh, served by the git server: its URL. */
    private String serveRepository() throws Exception {
        Path src = git.folder("dockhand-e2e-squares");
        Files.writeString(src.resolve("Dockerfile"), "FROM " + Cluster.image("client") + "\nENTRYPOINT []\n"
                + "COPY square.sh /square.sh\n");
        Files.writeString(src.resolve("square.sh"), "echo $(( $1 * $1 ))\n");
        GitServer.commitAll(src, "squares");
        return git.serve(src, "squares");
    }

}
