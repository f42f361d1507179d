package io.dockhand.agent.work;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.dockhand.agent.engine.DockerDriver;
import io.dockhand.agent.engine.TarContext;
import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.BuiltImage;
import io.dockhand.agent.executor.TaskSpec;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image retention rule against the real engine, on images of a cluster of the test's own: the most recently
 * used are kept up to the limit, the idle ones go, an image a container uses stays, and nothing outside the
 * cluster is looked at.
 */
class ImageRetentionIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String CLUSTER = "retention-" + RUN;
    private static DockerDriver driver;
    private static DockerClient docker;

    @BeforeAll
    static void connect() {
        driver = DockerDriver.connect(null, Duration.ofSeconds(10), CLUSTER);
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
    }

    @org.junit.jupiter.api.BeforeEach
    void removeImages() {
        for (var image : docker.listImagesCmd().withLabelFilter(Map.of("io.dockhand.cluster", CLUSTER)).exec()) {
            docker.removeImageCmd(image.getId()).withForce(true).exec();
        }
    }

    @AfterAll
    static void clean() throws Exception {
        try {
            for (var c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("io.dockhand.cluster", CLUSTER)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
            for (var image : docker.listImagesCmd().withLabelFilter(Map.of("io.dockhand.cluster", CLUSTER)).exec()) {
                try {
                    docker.removeImageCmd(image.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed already
                }
            }
            assertThat(docker.listImagesCmd().withLabelFilter(Map.of("io.dockhand.cluster", CLUSTER)).exec())
                    .isEmpty();
        } finally {
            driver.close();
            docker.close();
        }
    }

    private static String build(int n) {
        String context = "sha256:" + RUN + "0".repeat(55) + n;
        var tar = new TarContext().file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\nLABEL n=" + RUN + "-" + n
                + "\n");
        return driver.build(new BuildSpec(null, Map.of(), null, null, context), tar.stream(), line -> { });
    }

    @Test
    void keepsTheMostRecentlyUsedAndNeverAnImageAContainerUses() throws Exception {
        ImageRetention retention = new ImageRetention(driver, 1, Duration.ofHours(24));
        String oldest = build(1);
        String inUse = build(2);
        String newest = build(3);
        retention.used(oldest);
        retention.used(inUse);
        Thread.sleep(20);
        retention.used(newest);
        String container = docker.createContainerCmd(inUse).withCmd("true")
                .withLabels(Map.of("io.dockhand.cluster", CLUSTER)).exec().getId();

        List<String> removed = retention.sweep(Set.of());

        assertThat(removed).as("oldest %s, in use %s, newest %s", oldest, inUse, newest).containsExactly(oldest);
        assertThat(driver.builtImages()).extracting(BuiltImage::id).containsExactlyInAnyOrder(inUse, newest);
        docker.removeContainerCmd(container).withForce(true).exec();
        assertThat(retention.sweep(Set.of())).as("oldest %s, in use %s, newest %s", oldest, inUse, newest)
                .containsExactly(inUse);
        assertThat(driver.builtImages()).extracting(BuiltImage::id).containsExactly(newest);
    }

    @Test
    void removesImagesUnusedForTooLongAndSparesTheRunsInHand() throws Exception {
        ImageRetention retention = new ImageRetention(driver, 20, Duration.ofMillis(1));
        String idle = build(4);
        String held = build(5);
        Thread.sleep(50);

        List<String> removed = retention.sweep(Set.of(held));

        assertThat(removed).contains(idle).doesNotContain(held);
        assertThat(driver.builtImages()).extracting(BuiltImage::id).contains(held).doesNotContain(idle);
        assertThat(TaskSpec.RESERVED_LABEL_PREFIX).isEqualTo("io.dockhand.");
    }
}
