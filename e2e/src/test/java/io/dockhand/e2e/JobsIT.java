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
    private final List<Path> dirs = new ArrayList<>();
    private Process daemon;

    @AfterEach
    void stopGitAndRemoveFolders() throws Exception {
        if (daemon != null) {
            daemon.descendants().forEach(ProcessHandle::destroyForcibly);
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        for (Path dir : dirs) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aProjectOfTasksFromGitIsWorkedByTheAgentsAndItsResultsAddUp(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        String host = Docker.ok("network", "inspect", "docker_gwbridge", "--format",
                                "{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}").split("\\s+")[0];
        assertThat(host).as("docker_gwbridge's gateway address").isNotEmpty();
        String repo = serveRepository(host);

        Path work = Files.createTempDirectory("dockhand-e2e-jobs");
        dirs.add(work);
        String project = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder lines = new StringBuilder();
        long expected = 0;
        for (int n = 1; n <= TASKS; n++) {
            lines.append("{\"taskId\":\"square-").append(n).append("\",\"repo\":\"").append(repo)
                    .append("\",\"command\":[\"sh\",\"/square.sh\",\"").append(n).append("\"]}\n");
            expected += (long) n * n;
        }
        Files.writeString(work.resolve("tasks.jsonl"), lines);

        Docker.Result submitted = client(cluster, work, "jobs", "submit", project, "--tasks", "tasks.jsonl");
        Cluster.log("jobs submit: " + submitted.out().strip() + " / " + submitted.err().strip());
        assertThat(submitted.exitCode()).as("stderr: %s", submitted.err()).isZero();
        assertThat(submitted.out()).contains(Integer.toString(TASKS));

        Docker.Result results = client(cluster, work, "jobs", "results", project, "--wait", "--format", "json");
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

        Docker.Result status = client(cluster, work, "jobs", "status", project);
        assertThat(status.exitCode()).as("stderr: %s", status.err()).isZero();
        assertThat(status.out()).contains("succeeded").contains(Integer.toString(TASKS));
    }

    /** A bare repository with a Dockerfile and square.sh, served by git daemon on {@code host}: its URL. */
    private String serveRepository(String host) throws Exception {
        Path root = Files.createTempDirectory("dockhand-e2e-git");
        dirs.add(root);
        Path src = root.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Dockerfile"), "FROM " + Cluster.image("client") + "\nENTRYPOINT []\n"
                + "COPY square.sh /square.sh\n");
        Files.writeString(src.resolve("square.sh"), "echo $(( $1 * $1 ))\n");
        git(src, "init", "-q", "-b", "main");
        git(src, "add", ".");
        git(src, "-c", "user.name=e2e", "-c", "user.email=e2e@dockhand.invalid", "commit", "-q", "-m", "squares");
        git(root, "clone", "-q", "--bare", src.toString(), root.resolve("squares.git").toString());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--base-path=" + root,
                                    "--listen=" + host, "--port=" + port, root.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("daemon.log").toFile()).start();
        for (int i = 0; i < 50; i++) {
            try (java.net.Socket s = new java.net.Socket(host, port)) {
                return "git://" + host + ":" + port + "/squares.git";
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("git daemon did not listen: " + Files.readString(root.resolve("daemon.log")));
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes());
        assertThat(git.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    }

    /** The client in a container on the stack's network, with the token mounted and the folder as /work. */
    private static Docker.Result client(Cluster cluster, Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--label", cluster.testLabel(), "--network",
                                                       cluster.network(), "--volume", dir + ":/work:ro",
                                                       "--workdir", "/work"));
        command.addAll(cluster.agentOptions());
        command.addAll(cluster.tokenOptions());
        command.add(Cluster.image("client"));
        command.addAll(List.of(args));
        return Docker.run(Duration.ofMinutes(6), Map.of(), command.toArray(String[]::new));
    }
}
