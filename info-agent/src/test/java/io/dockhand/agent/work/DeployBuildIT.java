package io.dockhand.agent.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dockhand.api.Run;
import io.dockhand.api.RunDeploy;
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
 * A deployment's build run in the agent, against the real engine, a real registry (the stack's
 * {@code dockhand/registry} in a container on a free port) and a {@link FakeStore}: the commit cloned, built with
 * the preset's Dockerfile added to the context (and the offline base as {@code BASE_IMAGE}), pushed, reported
 * {@code succeeded} with the image by digest, the registry's other tags deleted, the repository's own Dockerfile
 * for {@code custom}, a build that fails reported failed; and a destroyed deployment's images leave the node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployBuildIT {

    /** A preset of the shape the store's are: an argument for the base image, whose default is not here offline. */
    static final String PRESET = "ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\nWORKDIR /app\nCOPY . /app\n"
            + "CMD [\"cat\", \"/app/hello.txt\"]\n";

    private static WorkCluster cluster;
    private static FakeStore store;
    private static GitRepos repos;
    private static String url;
    private static String commit;
    private static String olderCommit;
    private static String registry;
    private static String container;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10s");
        container = "dockhand-test-registry-" + cluster.id;
        docker("run", "-d", "--name", container, "--label", "io.dockhand.test=registry", "-p", "127.0.0.1::5000",
               "dockhand/registry");
        registry = "127.0.0.1:" + docker("port", container, "5000/tcp").lines().findFirst().orElseThrow()
                .replaceAll(".*:", "");
        store = new FakeStore();
        repos = new GitRepos();
        url = repos.create("hello");
        olderCommit = repos.commit("hello", "main", Map.of("hello.txt", "older\n"));
        commit = repos.commit("hello", "main", Map.of("hello.txt", "hello " + cluster.id + "\n",
                "Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\nCOPY hello.txt /custom.txt\n"));
        cluster.agent("deploy-build-it", Map.of("agent.store", store.uri().toString(), "agent.slots", "2",
                "agent.git.cache", cluster.dir.resolve("git").toString(), "agent.deployments.clean", "1s"));
        RegistryClient client = new RegistryClient(Duration.ofSeconds(2));
        for (int i = 0; ; i++) {
            try {
                client.tags(registry + "/dockhand/none");
                break;
            } catch (RegistryClient.RegistryException e) {
                if (i > 100) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (store != null) {
            store.close();
        }
        if (repos != null) {
            repos.close();
        }
        if (container != null) {
            docker("rm", "-f", "-v", container);
        }
    }

    private static String repository(String app) {
        return registry + "/dockhand/" + app + "-" + cluster.id;
    }

    @Test
    @Order(1)
    void buildsWithThePresetPushesReportsTheDigestAndKeepsOnlyTheNamedTags() throws Exception {
        String app = "hello-" + cluster.id;
        String repository = repository("hello");
        String tag = commit.substring(0, 12);
        // an older image of the app, which the store no longer keeps
        Run older = store.queueDeploy(new RunDeploy(app, "build", repository, "older", PRESET, null, List.of("older")),
                                      url, olderCommit);
        assertThat(store.awaitFinal(older.id(), 180).state()).as(store.log(older.id())).isEqualTo(RunState.SUCCEEDED);

        Run queued = store.queueDeploy(new RunDeploy(app, "build", repository, tag, PRESET, null, List.of(tag)), url,
                                       commit);
        Run built = store.awaitFinal(queued.id(), 180);

        String log = store.log(queued.id());
        assertThat(built.state()).as(log).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.reports.get(queued.id())).extracting(RunReport::state)
                .containsExactly(RunState.BUILDING, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(store.reports.get(queued.id()).getFirst().commit()).isEqualTo(commit);
        String image = store.reports.get(queued.id()).getLast().imageId();
        assertThat(image).matches(java.util.regex.Pattern.quote(repository) + "@sha256:[0-9a-f]{64}");
        RegistryClient client = new RegistryClient(Duration.ofSeconds(5));
        assertThat(client.digest(repository, tag)).contains(image.substring(image.indexOf('@') + 1));
        assertThat(client.tags(repository)).containsExactly(tag);
        assertThat(log).contains("Pushing " + repository + ":" + tag + " to the registry.")
                .contains("Pushed " + repository + ":" + tag + " digest sha256:")
                .contains("Deleted 1 older image of " + repository + " from the registry (kept " + tag
                        + "): older.");
        // the preset's Dockerfile, built on the offline base: the image says hello
        assertThat(lastLine(docker("run", "--rm", "--label", "io.dockhand.test=deploy", image))).isEqualTo("hello " + cluster.id);
        assertThat(deploymentImages(app)).isNotEmpty();
        assertThat(docker("images", "--format", "{{.Tag}}", repository)).as("pushed tags untagged")
                .doesNotContain(tag).doesNotContain("older");
    }

    @Test
    @Order(2)
    void buildsTheRepositorysOwnDockerfileForCustom() throws Exception {
        String repository = repository("custom");
        Run queued = store.queueDeploy(new RunDeploy("custom-" + cluster.id, "build", repository, "c1", null, null,
                                                     List.of("c1")), url, commit);
        Run built = store.awaitFinal(queued.id(), 180);
        assertThat(built.state()).as(store.log(queued.id())).isEqualTo(RunState.SUCCEEDED);
        String image = store.reports.get(queued.id()).getLast().imageId();
        assertThat(lastLine(docker("run", "--rm", "--label", "io.dockhand.test=deploy", image, "cat", "/custom.txt")))
                .isEqualTo("hello " + cluster.id);
    }

    @Test
    @Order(3)
    void aFailingBuildIsReportedFailedAndPushesNothing() throws Exception {
        String repository = repository("broken");
        Run queued = store.queueDeploy(new RunDeploy("broken-" + cluster.id, "build", repository, "b1",
                PRESET + "RUN echo going wrong; exit 7\n", null, List.of("b1")), url, commit);
        Run built = store.awaitFinal(queued.id(), 180);
        assertThat(built.state()).isEqualTo(RunState.FAILED);
        assertThat(built.reason()).startsWith("the build failed: ").contains("returned a non-zero code: 7");
        assertThat(store.log(queued.id())).contains("build: going wrong");
        assertThat(new RegistryClient(Duration.ofSeconds(5)).tags(repository)).isEmpty();
    }

    @Test
    @Order(4)
    void removesTheImagesOfADestroyedDeploymentFromTheNode() throws Exception {
        String app = "hello-" + cluster.id;
        assertThat(deploymentImages(app)).isNotEmpty();
        store.destroyed.add(app);
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!deploymentImages(app).isEmpty() && System.nanoTime() < giveUp) {
            Thread.sleep(500);
        }
        assertThat(deploymentImages(app)).isEmpty();
        assertThat(deploymentImages("custom-" + cluster.id)).as("another deployment's stay").isNotEmpty();
    }

    private static List<String> deploymentImages(String deployment) throws Exception {
        String out = docker("images", "-q", "--filter", "label=io.dockhand.deployment=" + deployment, "--filter",
                            "label=io.dockhand.cluster=" + cluster.cluster);
        return out.isBlank() ? List.of() : out.lines().toList();
    }

    static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out.strip();
    }

    /** What a container of the image wrote last (docker run says on the same stream that it pulled it). */
    static String lastLine(String output) {
        List<String> lines = output.lines().toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }
}
