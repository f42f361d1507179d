package io.dockhand.agent.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dockhand.agent.engine.DockerDriver;
import io.dockhand.agent.engine.TarContext;
import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.ServiceDriver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment's images in a real registry (the stack's {@code dockhand/registry}, in a container of its own on a
 * free port of 127.0.0.1): pushed by the engine with their digests, then the retention's and the removal's HTTP
 * calls (tag list, HEAD for the digest, DELETE of the manifest). Everything it makes is removed afterwards.
 */
class RegistryRetentionIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String CONTAINER = "dockhand-test-registry-" + RUN;
    private static String registry;
    private static DockerDriver driver;
    private static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void startRegistry() throws Exception {
        docker("run", "-d", "--name", CONTAINER, "--label", "io.dockhand.test=registry", "-p", "127.0.0.1::5000",
               "dockhand/registry");
        String port = docker("port", CONTAINER, "5000/tcp").lines().findFirst().orElseThrow().replaceAll(".*:", "");
        registry = "127.0.0.1:" + port;
        driver = DockerDriver.connect(null, Duration.ofSeconds(30), "test-" + RUN);
        RegistryClient client = new RegistryClient(Duration.ofSeconds(5));
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                client.tags(registry + "/dockhand/none");
                break;
            } catch (RegistryClient.RegistryException e) {
                if (System.nanoTime() > giveUp) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    static void removeEverything() throws Exception {
        docker("rm", "-f", "-v", CONTAINER);
        for (String image : images) {
            try {
                docker("rmi", "-f", image);
            } catch (IllegalStateException gone) {
                // removed already
            }
        }
        if (driver != null) {
            driver.close();
        }
    }

    private static String build(String repository, int n) {
        String image = driver.build(new BuildSpec("dockhand-run/app-" + RUN + "-" + n + ":latest", Map.of(), null,
                                                  null, null, 0, Map.of(), "app-" + RUN),
                new TarContext().file("Dockerfile", "FROM dockhand/debian:bookworm\nRUN echo " + n + " > /n-"
                        + RUN + "\n").stream(), line -> { });
        images.add(image);
        return image;
    }

    @Test
    void pushesByDigestThenKeepsOnlyTheTagsToKeepThenDeletesThemAll() {
        String repository = registry + "/dockhand/app-" + RUN;
        ServiceDriver services = driver.services();
        RegistryClient client = new RegistryClient(Duration.ofSeconds(10));
        List<String> digests = new ArrayList<>();
        List<String> log = new ArrayList<>();
        List<String> built = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String image = build(repository, i);
            built.add(image);
            String digest = services.push(image, repository, "c" + i, log::add);
            services.untag(repository + ":c" + i);
            assertThat(digest).matches("sha256:[0-9a-f]{64}");
            assertThat(client.digest(repository, "c" + i)).contains(digest);
            digests.add(digest);
        }
        assertThat(digests).doesNotHaveDuplicates();
        assertThat(log).anyMatch(line -> line.contains("digest: " + digests.get(2)));
        assertThat(client.tags(repository)).containsExactlyInAnyOrder("c1", "c2", "c3");

        // a tag naming the same manifest as a kept one keeps it
        String image3 = built.get(2);
        assertThat(services.push(image3, repository, "again3", line -> { })).isEqualTo(digests.get(2));
        services.untag(repository + ":again3");

        assertThat(client.retain(repository, List.of("c3", "c1"))).containsExactly("c2");
        assertThat(client.tags(repository)).containsExactlyInAnyOrder("c1", "c3", "again3");
        assertThat(client.digest(repository, "c2")).isEmpty();
        assertThat(client.digest(repository, "c1")).contains(digests.get(0));

        assertThat(client.deleteAll(repository)).containsExactlyInAnyOrder("c1", "c3", "again3");
        assertThat(client.tags(repository)).isEmpty();
        assertThat(client.delete(repository, digests.get(0))).isFalse();
    }

    @Test
    void anUnknownRepositoryHasNoTags() {
        RegistryClient client = new RegistryClient(Duration.ofSeconds(5));
        assertThat(client.tags(registry + "/dockhand/never-" + RUN)).isEmpty();
        assertThat(client.digest(registry + "/dockhand/never-" + RUN, "x")).isEmpty();
        assertThat(client.deleteAll(registry + "/dockhand/never-" + RUN)).isEmpty();
    }

    @Test
    void aRegistryThatDoesNotAnswerIsARegistryException() {
        RegistryClient client = new RegistryClient(Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.tags("127.0.0.1:1/dockhand/x"))
                .isInstanceOf(RegistryClient.RegistryException.class).hasMessageContaining("did not answer");
    }

    @Test
    void removesTheNodesImagesOfADeployment() {
        String repository = registry + "/dockhand/gone-" + RUN;
        String image = driver.build(new BuildSpec("dockhand-run/gone-" + RUN + ":latest", Map.of(), null, null, null,
                0, Map.of(), "gone-" + RUN), new TarContext().file("Dockerfile", "FROM dockhand/debian:bookworm\n"
                + "RUN echo gone > /gone-" + RUN + "\n").stream(), line -> { });
        images.add(image);
        driver.services().push(image, repository, "t", line -> { });
        assertThat(driver.hasImage(image)).isTrue();
        assertThat(driver.services().removeDeploymentImages("gone-" + RUN)).isEqualTo(1);
        assertThat(driver.hasImage(image)).isFalse();
        assertThat(driver.services().removeDeploymentImages("gone-" + RUN)).isZero();
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out.strip();
    }
}
