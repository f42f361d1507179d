package io.dockhand.agent.work;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's side of a run with a git source, against the real engine and a {@link FakeStore} (so it holds
 * whatever the store does with tasks): the commit resolved and cloned once, reported with {@code building}, its
 * image built once and reused, the command run; clone, ref, Dockerfile and command failures reported with reasons
 * that say so; never a request for the store's context.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitRunIT {

    private static WorkCluster cluster;
    private static FakeStore store;
    private static GitRepos repos;
    private static String url;
    private static String commit;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10s");
        store = new FakeStore();
        repos = new GitRepos();
        url = repos.create("squares");
        Map<String, String> files = new java.util.HashMap<>(JobWorkIT.squaresRepository(cluster.id));
        files.put("sub/Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\nLABEL test.marker=" + cluster.id
                + "-sub\nCOPY square.sh /usr/local/bin/square\n");
        commit = repos.commit("squares", "main", files);
        cluster.agent("git-run-it", Map.of("agent.store", store.uri().toString(), "agent.slots", "2",
                                           "agent.git.cache", cluster.dir.resolve("git").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        List<String> left = List.of();
        if (cluster != null) {
            left = cluster.leftoverContainers();
            cluster.close();
        }
        if (store != null) {
            store.close();
        }
        if (repos != null) {
            repos.close();
        }
        assertThat(left).as("containers left behind").isEmpty();
    }

    private static Run run(String ref, String dockerfile, List<String> command) throws InterruptedException {
        Run queued = store.queue(url, ref, dockerfile, command);
        return store.awaitFinal(queued.id(), 120);
    }

    @Test
    @Order(1)
    void clonesOnceBuildsOnceAndRunsTheCommandOfEachRun() throws Exception {
        Run first = run(null, "Dockerfile", List.of("square", "7"));

        assertThat(first.state()).as(store.log(first.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.log(first.id())).contains("system: Cloned " + url + " at HEAD → " + commit + " in ")
                .contains("stdout: 49\n");
        assertThat(store.reports.get(first.id())).extracting(RunReport::state)
                .containsExactly(RunState.BUILDING, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(store.reports.get(first.id()).getFirst().commit()).isEqualTo(commit);
        assertThat(cluster.imagesOf("git:" + commit)).hasSize(1);

        Run again = run("main", null, List.of("sh", "-c", "square 8"));
        assertThat(again.state()).as(store.log(again.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.log(again.id())).contains("system: Resolved " + url + " at main → " + commit
                + "; node git-run-it has its image already: nothing to clone.").contains("stdout: 64\n")
                .doesNotContain("Cloned");
        assertThat(store.reports.get(again.id()).getFirst().commit()).isEqualTo(commit);

        Run other = run(commit.substring(0, 10), "sub/Dockerfile", List.of("square", "9"));
        assertThat(other.state()).as(store.log(other.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.log(other.id())).contains("system: Using the checkout of " + commit
                + " cached on node git-run-it.").contains("stdout: 81\n");
        assertThat(cluster.imagesOf("git:" + commit)).as("one image per Dockerfile").hasSize(2);
        assertThat(store.contextCalls).isEmpty();
    }

    @Test
    void failsARunWithAReasonThatSaysWhatFailedAndGoesOn() throws Exception {
        Run unknown = run("no-such-branch", null, List.of("square", "2"));
        assertThat(unknown.state()).isEqualTo(RunState.FAILED);
        assertThat(unknown.reason()).isEqualTo("unknown ref 'no-such-branch' in " + url);
        assertThat(store.reports.get(unknown.id())).extracting(RunReport::state).containsExactly(RunState.FAILED);
        assertThat(store.log(unknown.id())).contains("system: The run failed: unknown ref 'no-such-branch' in ");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String nowhere = "git://127.0.0.1:" + closed + "/squares.git";
        Run unreachable = store.awaitFinal(store.queue(nowhere, null, null, List.of("square", "2")).id(), 60);
        assertThat(unreachable.state()).isEqualTo(RunState.FAILED);
        assertThat(unreachable.reason()).startsWith("clone failed: " + nowhere + ": ");

        Run noDockerfile = run(null, "build/Dockerfile", List.of("square", "2"));
        assertThat(noDockerfile.state()).isEqualTo(RunState.FAILED);
        assertThat(noDockerfile.reason()).isEqualTo("no Dockerfile at 'build/Dockerfile' in " + url + " at " + commit);
        assertThat(store.reports.get(noDockerfile.id())).extracting(RunReport::state)
                .containsExactly(RunState.BUILDING, RunState.FAILED);

        Run noCommand = run(null, null, List.of("/no/such/command", "2"));
        assertThat(noCommand.state()).isEqualTo(RunState.FAILED);
        assertThat(noCommand.exitCode()).isEqualTo(127);
        assertThat(noCommand.reason()).startsWith("exited with code 127 (command not found: ")
                .contains("/no/such/command").contains("No such file or directory");

        Run exit3 = run(null, null, List.of("sh", "-c", "echo trying; exit 3"));
        assertThat(exit3.reason()).isEqualTo("exited with code 3");

        Run fine = run(null, null, List.of("square", "12"));
        assertThat(fine.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.log(fine.id())).contains("stdout: 144\n");
        assertThat(store.contextCalls).isEmpty();
    }

    @Test
    void leavesNoCheckoutHalfWrittenAndKeepsOnePerCommit() throws Exception {
        String second = repos.commit("squares", "next", Map.of("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE
                + "\nLABEL test.marker=" + cluster.id + "-next\n"));
        Run next = run("next", null, List.of("echo", "next"));
        assertThat(next.state()).as(store.log(next.id())).isEqualTo(RunState.SUCCEEDED);
        try (var list = java.nio.file.Files.list(cluster.dir.resolve("git"))) {
            assertThat(list.map(p -> p.getFileName().toString()))
                    .contains(GitCheckouts.repoKey(url) + "-" + second)
                    .allSatisfy(name -> assertThat(name).matches("[0-9a-f]{16}-[0-9a-f]{40}"));
        }
    }
}
