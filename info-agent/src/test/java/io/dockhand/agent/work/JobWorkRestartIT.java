package io.dockhand.agent.work;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.dockhand.api.JobSettings;
import io.dockhand.api.JobTask;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskResult;
import io.dockhand.api.TaskState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job task's attempt survives its agent's SIGKILL when the agent is back within the project's lease: the new
 * agent on the node settles the git run's container like any run's, adopts it, and the task ends with one result,
 * one attempt, its output whole.
 */
class JobWorkRestartIT {

    /** Long enough for a JVM to start again on a loaded machine (seen: 16 s on two shared cores). */
    private static final long LEASE_SECONDS = 45;
    private static WorkCluster cluster;
    private static GitRepos repos;
    private static JobsApi jobs;
    private static String url;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10s");
        repos = new GitRepos();
        jobs = new JobsApi(cluster.storeUri(), cluster.token);
        url = repos.create("counting");
        repos.commit("counting", "main", Map.of("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE
                + "\nLABEL test.marker=" + cluster.id + "\n"));
        node = "restart-" + cluster.id;
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

    private AgentProcess agent(String name) throws Exception {
        Map<String, String> settings = new HashMap<>(cluster.agentSettings(node));
        settings.put("agent.git.cache", cluster.dir.resolve("git").toString());
        AgentProcess agent = AgentProcess.start(cluster.dir, name, settings);
        cluster.closeLater(agent);
        cluster.awaitNode(node, Duration.ofSeconds(60));
        return agent;
    }

    @Test
    void anAgentBackWithinTheLeaseCarriesAGitTaskOnToOneResult() throws Exception {
        String project = "restart-" + cluster.id;
        jobs.settings(project, new JobSettings(null, 3, LEASE_SECONDS, 1L));
        AgentProcess first = agent("restart-1");
        jobs.submit(project, List.of(JobWorkIT.task("count", url,
                "i=1; while [ $i -le 100 ]; do echo line $i; i=$((i+1)); sleep 0.2; done")));
        Run run = awaitRunning(project, "count", Duration.ofSeconds(90));
        awaitLog(run.id(), "line 5\n", Duration.ofSeconds(30));

        first.kill();
        AgentProcess second = agent("restart-2");
        List<TaskResult> results = jobs.awaitResults(project, Duration.ofMinutes(2));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.state()).as(result + "\n" + second.log()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(result.attempt()).isEqualTo(1);
            assertThat(result.node()).isEqualTo(node);
            assertThat(result.stdout().lines().toList())
                    .isEqualTo(IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).toList());
        });
        assertThat(cluster.log(run.id())).contains("restarted; it carries on following the run");
        assertThat(cluster.containersOf(run.id())).isEmpty();
        second.kill();
    }

    private Run awaitRunning(String project, String task, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            JobTask t = jobs.task(project, task);
            if (t.runId() != null) {
                Run run = cluster.run(t.runId());
                if (run.state() == RunState.RUNNING) {
                    return run;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("task " + task + " not running within " + patience + ": "
                + jobs.task(project, task));
    }

    private void awaitLog(String runId, String text, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!cluster.log(runId).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text.strip() + "' in the log of " + runId + ": "
                        + cluster.log(runId));
            }
            Thread.sleep(200);
        }
    }
}
