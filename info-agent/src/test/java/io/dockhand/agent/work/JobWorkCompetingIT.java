package io.dockhand.agent.work;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.dockhand.api.JobSettings;
import io.dockhand.api.JobTask;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskAttempt;
import io.dockhand.api.TaskResult;
import io.dockhand.api.TaskState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two workers competing for one project's tasks: two agent processes with distinct node names on the one engine,
 * one killed with SIGKILL mid-batch. Every task still ends with exactly one result, the killed worker's tasks
 * done by a second attempt on the other once their lease (5 s, the project's) expired.
 */
class JobWorkCompetingIT {

    private static final int TASKS = 12;
    /**
     * The project's lease: short, so the killed worker's tasks go to the other soon. 5 s lost the leases of both
     * live workers when the machine was loaded (a load of 15 on two cores: the engine took over 2 s to list
     * containers), which the test survives but which made its run long.
     */
    private static final long LEASE_SECONDS = 10;
    private static WorkCluster cluster;
    private static GitRepos repos;
    private static JobsApi jobs;
    private static String squares;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10s");
        repos = new GitRepos();
        jobs = new JobsApi(cluster.storeUri(), cluster.token);
        squares = repos.create("squares");
        repos.commit("squares", "main", JobWorkIT.squaresRepository(cluster.id));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            // The workers' logs outlive the cluster's folder, for a failure's diagnosis.
            java.nio.file.Path keep = java.nio.file.Path.of("target", "failsafe-reports");
            java.nio.file.Files.createDirectories(keep);
            try (var logs = java.nio.file.Files.list(cluster.dir)) {
                for (var log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                    java.nio.file.Files.copy(log, keep.resolve("JobWorkCompetingIT-" + log.getFileName()),
                                             java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            cluster.close();
        }
        if (repos != null) {
            repos.close();
        }
    }

    private AgentProcess worker(String node) throws Exception {
        Map<String, String> settings = new HashMap<>(cluster.agentSettings(node));
        settings.put("agent.slots", "2");
        settings.put("agent.git.cache", cluster.dir.resolve("git-" + node).toString());
        AgentProcess agent = AgentProcess.start(cluster.dir, node, settings);
        cluster.closeLater(agent);
        cluster.awaitNode(node, Duration.ofSeconds(60));
        return agent;
    }

    @Test
    void everyTaskHasExactlyOneResultWhenOneOfTwoWorkersIsKilledMidBatch() throws Exception {
        String project = "competing-" + cluster.id;
        jobs.settings(project, new JobSettings(null, 5, LEASE_SECONDS, 1L));
        String doomed = "doomed-" + cluster.id;
        String survivor = "survivor-" + cluster.id;
        AgentProcess first = worker(doomed);
        worker(survivor);

        jobs.submit(project, IntStream.rangeClosed(1, TASKS).mapToObj(i -> {
            Map<String, Object> task = JobWorkIT.task("t" + i, squares, List.of("square", Integer.toString(i)));
            task.put("env", Map.of("PAUSE", "3"));
            return task;
        }).toList());

        Map<String, String> heldByDoomed = awaitRunningOn(project, doomed, Duration.ofSeconds(120));
        first.kill();
        Instant killed = Instant.now();

        List<TaskResult> results = jobs.awaitResults(project, Duration.ofMinutes(4));

        assertThat(results).extracting(TaskResult::taskId).as("one result per task")
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, TASKS).mapToObj(i -> "t" + i).toList());
        assertThat(results).allSatisfy(r -> assertThat(r.state()).as(r.toString()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(results.stream().mapToInt(r -> Integer.parseInt(r.stdout().strip())).sum()).isEqualTo(650);
        for (TaskResult result : results) {
            List<TaskAttempt> attempts = jobs.task(project, result.taskId()).attempts();
            assertThat(attempts).as(result.toString()).hasSize(result.attempt());
            assertThat(attempts.getLast().state()).isEqualTo(RunState.SUCCEEDED);
            // Earlier attempts were lost: the killed worker's, or (on a loaded machine) a lease that ran out.
            assertThat(attempts.subList(0, attempts.size() - 1)).as(result.toString())
                    .allSatisfy(a -> assertThat(a.state()).isEqualTo(RunState.LOST));
            if (result.node().equals(doomed)) {
                assertThat(attempts.getLast().endedAt()).as("done by the killed worker before it was killed")
                        .isBefore(killed.plusSeconds(1));
            }
        }
        // What the killed worker held when killed (a run may have ended just before the kill) was done again.
        int takenOver = 0;
        for (Map.Entry<String, String> held : heldByDoomed.entrySet()) {
            Run run = cluster.run(held.getValue());
            if (run.state() == RunState.SUCCEEDED) {
                continue;
            }
            assertThat(run.state()).as(run.toString()).isEqualTo(RunState.LOST);
            TaskAttempt last = jobs.task(project, held.getKey()).attempts().getLast();
            assertThat(last.node()).isEqualTo(survivor);
            assertThat(last.state()).isEqualTo(RunState.SUCCEEDED);
            takenOver++;
        }
        assertThat(takenOver).as("tasks held by the killed worker " + heldByDoomed + ", done by the other")
                .isPositive();
        assertThat(jobs.status(project).finished()).isEqualTo(TASKS);
    }

    /** The node's tasks in hand and their runs, once it runs at least one while another task is done. */
    private Map<String, String> awaitRunningOn(String project, String node, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> held = new HashMap<>();
            boolean running = false;
            for (JobTask task : jobs.tasks(project, "running")) {
                // A task's attempts are its ended ones: the one in progress is its run.
                Run run = task.runId() == null ? null : cluster.run(task.runId());
                if (run != null && node.equals(run.node()) && !run.state().isFinal()) {
                    held.put(task.taskId(), run.id());
                    running |= run.state() == RunState.RUNNING;
                }
            }
            if (running && jobs.status(project).finished() > 0) {
                return held;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no task of " + project + " running on " + node + " within " + patience + ": "
                + jobs.status(project));
    }
}
