package io.dockhand.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Docker objects of one test run: every container and image the driver tests create carries
 * {@code dockhand-test.run=<run>} (the driver refuses labels under {@code io.dockhand.}), and this extension
 * force-removes all of them after each test and again after the class, failing the class if any is left. The
 * label holds the run's own id, so runs of other checkouts on the same engine are never touched.
 */
final class TaskObjects implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    static final String LABEL = "dockhand-test.run";
    static final String BASE_IMAGE = "dockhand/debian:bookworm";

    private final String run;
    private DockerClient docker;

    TaskObjects(String run) {
        this.run = run;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
        ensureBaseImage();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        removeContainers();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            removeContainers();
            removeImages();
            assertNothingLeft();
        } finally {
            docker.close();
        }
    }

    DockerClient docker() {
        return docker;
    }

    /** Creates (without starting) a labelled container of the base image that no driver made. */
    String create(String name) {
        return docker.createContainerCmd(BASE_IMAGE).withName(name).withLabels(Map.of(LABEL, run))
                .withCmd("true").exec().getId();
    }

    private List<String> filter() {
        return List.of(LABEL + "=" + run);
    }

    private void removeContainers() {
        for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(filter()).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
    }

    /**
     * Removes the run's images, children before parents: a build can use an earlier one as its cache parent, and
     * the engine refuses to remove an image with children (409), so what is refused is tried again next pass.
     */
    private void removeImages() {
        for (int pass = 0; pass < 10; pass++) {
            var images = docker.listImagesCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, run)).exec();
            if (images.isEmpty()) {
                return;
            }
            for (var image : images) {
                try {
                    docker.removeImageCmd(image.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed already, with its parent
                } catch (com.github.dockerjava.api.exception.ConflictException hasChildren) {
                    // a child of this run's comes first; next pass
                }
            }
        }
    }

    private void assertNothingLeft() {
        List<String> left = new ArrayList<>();
        docker.listContainersCmd().withShowAll(true).withLabelFilter(filter()).exec()
                .forEach(c -> left.add("container " + c.getId()));
        docker.listImagesCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, run)).exec()
                .forEach(i -> left.add("image " + i.getId()));
        if (!left.isEmpty()) {
            throw new IllegalStateException("Left behind: " + left);
        }
    }

    private void ensureBaseImage() throws IOException, InterruptedException {
        try {
            docker.inspectImageCmd(BASE_IMAGE).exec();
            return;
        } catch (NotFoundException missing) {
            // build it below
        }
        Path script = Path.of(System.getProperty("dockhand.root", "..")).toAbsolutePath()
                .resolve("provision/offline-base.sh");
        Process build = new ProcessBuilder(script.toString()).inheritIO().start();
        if (build.waitFor() != 0) {
            throw new IllegalStateException(BASE_IMAGE + " is missing and " + script + " could not build it");
        }
    }
}
