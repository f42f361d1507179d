package io.dockhand.agent.work;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.dockhand.api.JobSettings;
import io.dockhand.api.JobStatus;
import io.dockhand.api.JobTask;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskAttempt;
import io.dockhand.api.TaskResult;
import io.dockhand.api.TaskState;
import io.dockhand.api.TaskSubmission;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job tasks worked by a real agent against a real store and engine, their source in git repositories served by
 * JGit's daemon in this JVM: a batch whose results add up to a known answer, each task one result, the repository
 * cloned and its image built once; and tasks that fail — a non-zero exit retried then dead-lettered, an unknown
 * ref, an unreachable repository, a missing Dockerfile, a command the image lacks — each dead with a reason that
 * says so, while the worker goes on with the others.
 */
class JobWorkIT {

    private static WorkCluster cluster;
    private static GitRepos repos;
    private static JobsApi jobs;
    private static String squares;
    private static String commit;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10s");
        repos = new GitRepos();
        jobs = new JobsApi(cluster.storeUri(), cluster.token);
        squares = repos.create("squares");
        commit = repos.commit("squares", "main", squaresRepository(cluster.id));
        node = "jobs-it-" + cluster.id;
        cluster.agent(node, Map.of("agent.slots", "3", "agent.git.cache", cluster.dir.resolve("git").toString()));
        cluster.awaitNode(node, Duration.ofSeconds(30));
    }

    /** A Dockerfile and a script that prints the square of its argument (the marker makes the image the test's). */
    static Map<String, String> squaresRepository(String marker) {
        return Map.of(
                "Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\nCOPY square.sh /usr/local/bin/square\n"
                        + "LABEL test.marker=" + marker + "\n",
                "square.sh", GitRepos.EXECUTABLE + "#!/bin/sh\nsleep \"${PAUSE:-0}\"\necho $(($1 * $1))\n",
                "README.md", "squares\n",
                ".dockerignore", "README.md\n");
    }

    @AfterAll
    static void stop() throws Exception {
        List<String> left = List.of();
        if (cluster != null) {
            left = cluster.leftoverContainers();
            cluster.close();
        }
        if (repos != null) {
            repos.close();
        }
        assertThat(left).as("containers left behind").isEmpty();
    }

    static Map<String, Object> task(String id, String repo, Object command) {
        Map<String, Object> task = new HashMap<>();
        task.put("taskId", id);
        task.put("repo", repo);
        task.put("command", command);
        return task;
    }

    @Test
    void aBatchAddsUpToItsKnownAnswerWithOneResultPerTaskAndOneCloneAndBuild() throws Exception {
        String project = "squares-" + cluster.id;
        List<Map<String, Object>> batch = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> task("t" + i, squares, List.of("square", Integer.toString(i)))).toList();

        TaskSubmission submitted = jobs.submit(project, batch);
        assertThat(submitted.created()).isEqualTo(12);
        List<TaskResult> results = jobs.awaitResults(project, Duration.ofMinutes(3));

        assertThat(results).extracting(TaskResult::taskId)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 12).mapToObj(i -> "t" + i).toList());
        assertThat(results).allSatisfy(r -> {
            assertThat(r.state()).as(r.toString()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.exitCode()).isZero();
            assertThat(r.node()).isEqualTo(node);
        });
        Map<String, Integer> squareOf = results.stream().collect(Collectors.toMap(TaskResult::taskId,
                r -> Integer.parseInt(r.stdout().strip())));
        assertThat(squareOf.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(650); // 1² + ... + 12²
        assertThat(squareOf).containsEntry("t7", 49);

        JobStatus status = jobs.status(project);
        assertThat(status.finished()).isEqualTo(12);
        assertThat(status.counts()).containsEntry(TaskState.SUCCEEDED, 12L);
        JobTask seven = jobs.task(project, "t7");
        assertThat(seven.attempts()).singleElement().satisfies(a -> {
            assertThat(a.commit()).isEqualTo(commit);
            assertThat(a.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(a.clonedAt()).isNotNull();
            assertThat(a.builtAt()).isNotNull();
            assertThat(a.startedAt()).isNotNull();
            assertThat(a.endedAt()).isNotNull();
        });
        assertThat(cluster.imagesOf("git:" + commit)).as("one image for the commit").hasSize(1);
        long clones = 0;
        for (TaskResult r : results) {
            String log = cluster.log(r.attempts().getLast().runId());
            assertThat(log).doesNotContain("README.md");
            clones += log.lines().filter(l -> l.contains("Cloned " + squares + " at HEAD → " + commit)).count();
        }
        assertThat(clones).as("the repository is cloned once for the batch").isEqualTo(1);

        TaskSubmission again = jobs.submit(project, batch);
        assertThat(again.existing()).isEqualTo(12);
        assertThat(jobs.status(project).finished()).isEqualTo(12);
    }

    @Test
    void failingTasksAreRetriedThenDeadWithReasonsThatSaySoWhileTheWorkerGoesOn() throws Exception {
        String project = "failures-" + cluster.id;
        jobs.settings(project, new JobSettings(null, 2, null, 1L));
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String nowhere = "git://127.0.0.1:" + closed + "/squares.git";
        List<Map<String, Object>> tasks = new ArrayList<>();
        tasks.add(task("exit3", squares, "echo trying; exit 3"));
        Map<String, Object> unknownRef = task("unknown-ref", squares, List.of("square", "2"));
        unknownRef.put("ref", "no-such-branch");
        tasks.add(unknownRef);
        tasks.add(task("unreachable", nowhere, List.of("square", "2")));
        Map<String, Object> noDockerfile = task("no-dockerfile", squares, List.of("square", "2"));
        noDockerfile.put("dockerfile", "build/Dockerfile");
        tasks.add(noDockerfile);
        tasks.add(task("no-command", squares, List.of("/no/such/command", "2")));
        tasks.add(task("fine", squares, List.of("square", "9")));

        jobs.submit(project, tasks);
        Map<String, TaskResult> results = jobs.awaitResults(project, Duration.ofMinutes(3)).stream()
                .collect(Collectors.toMap(TaskResult::taskId, Function.identity()));

        assertThat(results).hasSize(6);
        assertThat(results.get("fine").state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(results.get("fine").stdout().strip()).isEqualTo("81");

        TaskResult exit3 = results.get("exit3");
        assertThat(exit3.state()).isEqualTo(TaskState.DEAD);
        assertThat(exit3.attempt()).isEqualTo(2);
        assertThat(exit3.attempts()).hasSize(2).allSatisfy(a -> {
            assertThat(a.exitCode()).isEqualTo(3);
            assertThat(a.state()).isEqualTo(RunState.FAILED);
            assertThat(a.reason()).isEqualTo("exited with code 3");
            assertThat(a.stdout()).isEqualTo("trying\n");
        });
        assertThat(exit3.attempts().get(1).startedAt())
                .as("the second attempt waits the backoff")
                .isAfterOrEqualTo(exit3.attempts().get(0).endedAt().plusMillis(900));

        assertDead(results.get("unknown-ref"), "unknown ref 'no-such-branch' in " + squares);
        assertDead(results.get("unreachable"), "clone failed: " + nowhere + ": ");
        assertDead(results.get("no-dockerfile"), "no Dockerfile at 'build/Dockerfile' in " + squares + " at "
                + commit);
        TaskResult noCommand = results.get("no-command");
        assertThat(noCommand.state()).isEqualTo(TaskState.DEAD);
        assertThat(noCommand.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.reason())
                .as(a.toString()).startsWith("exited with code 127 (command not found: ")
                .contains("/no/such/command").containsIgnoringCase("no such file"));

        JobStatus status = jobs.status(project);
        assertThat(status.counts()).containsEntry(TaskState.DEAD, 5L).containsEntry(TaskState.SUCCEEDED, 1L);
    }

    private static void assertDead(TaskResult result, String reason) {
        assertThat(result.state()).as(result.toString()).isEqualTo(TaskState.DEAD);
        assertThat(result.exitCode()).isNull();
        assertThat(result.attempts()).as(result.toString()).hasSize(2).allSatisfy(a -> {
            assertThat(a.state()).isEqualTo(RunState.FAILED);
            assertThat(a.reason()).startsWith(reason);
        });
    }
}
