package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.BuiltImage;
import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.agent.executor.Limits;
import io.dockhand.agent.executor.RunRef;
import io.dockhand.agent.executor.TaskConflictException;
import io.dockhand.agent.executor.TaskNotFoundException;
import io.dockhand.agent.executor.TaskSpec;
import io.dockhand.agent.executor.TaskStatus;

import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the driver does for runs, against the real engine: images labelled with the context they were built from
 * and found again by it, run containers labelled with their run and listed for the node's settlement, a cluster's
 * objects invisible to another cluster's driver, and a failed build that leaves none of its step images behind.
 */
class DockerRunTasksIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Map<String, String> LABELS = Map.of(TaskObjects.LABEL, RUN);
    private static final String CONTEXT = "sha256:" + "ab".repeat(16) + RUN + "0".repeat(24);
    private static final String NODE = "node-" + RUN;

    @RegisterExtension
    static final TaskObjects DOCKER = new TaskObjects(RUN);

    private static DockerDriver driver;
    private static DockerDriver otherCluster;

    @BeforeAll
    static void connect() {
        driver = DockerDriver.connect(null, Duration.ofSeconds(10), "cluster-" + RUN);
        otherCluster = DockerDriver.connect(null, Duration.ofSeconds(10), "other-" + RUN);
    }

    @AfterAll
    static void close() {
        driver.close();
        otherCluster.close();
    }

    @Test
    void findsAnImageAgainByItsContextAndDockerfileInItsClusterOnly() {
        var context = new TarContext().file("build/Dockerfile", "FROM " + TaskObjects.BASE_IMAGE + "\nLABEL x=" + RUN
                + "\n");
        assertThat(driver.cachedImage(CONTEXT, "build/Dockerfile")).isEmpty();

        String built = driver.build(new BuildSpec("dockhand-it/cached:" + RUN, LABELS, null, "build/Dockerfile",
                                                  CONTEXT), context.stream(), line -> { });

        assertThat(driver.cachedImage(CONTEXT, "build/Dockerfile")).contains(built);
        assertThat(driver.cachedImage(CONTEXT, "Dockerfile")).isEmpty();
        assertThat(otherCluster.cachedImage(CONTEXT, "build/Dockerfile")).isEmpty();
        assertThat(driver.builtImages()).extracting(BuiltImage::id).contains(built);
        assertThat(otherCluster.builtImages()).extracting(BuiltImage::id).doesNotContain(built);
        assertThat(driver.builtImages()).filteredOn(i -> i.id().equals(built)).singleElement()
                .satisfies(i -> assertThat(i.context()).isEqualTo(CONTEXT))
                .satisfies(i -> assertThat(i.dockerfile()).isEqualTo("build/Dockerfile"));
        assertThatThrownBy(() -> otherCluster.removeImage(built)).isInstanceOf(TaskConflictException.class);
    }

    @Test
    void labelsARunContainerAndListsItForItsNodeAndClusterOnly() {
        var spec = new TaskSpec("run-" + RUN + "-a", TaskObjects.BASE_IMAGE, List.of("sleep", "30"), Map.of(), LABELS,
                null, new Limits(0.5, 32L * 1024 * 1024, 0), new RunRef("r-" + RUN, 2, NODE));
        driver.start(spec);

        var labels = DOCKER.docker().inspectContainerCmd("dockhand-task-" + spec.id()).exec().getConfig().getLabels();
        assertThat(labels).containsEntry("io.dockhand.run", "r-" + RUN).containsEntry("io.dockhand.attempt", "2")
                .containsEntry("io.dockhand.node", NODE).containsEntry("io.dockhand.cluster", "cluster-" + RUN);
        List<TaskStatus> tasks = driver.runTasks(NODE);
        assertThat(tasks).singleElement().satisfies(t -> assertThat(t.run()).isEqualTo(new RunRef("r-" + RUN, 2, NODE)));
        assertThat(driver.runTasks("elsewhere-" + RUN)).isEmpty();
        assertThat(otherCluster.runTasks(NODE)).isEmpty();
        assertThatThrownBy(() -> otherCluster.destroy(spec.id(), true)).isInstanceOf(TaskNotFoundException.class);
        driver.destroy(spec.id(), true);
        assertThat(driver.runTasks(NODE)).isEmpty();
    }

    /**
     * Creating and starting a task's container is a change, with its own deadline: a loaded engine (a VM under
     * emulation took over 20 s) answers it late, and a question's deadline (2 s by default) failed the run.
     * Here questions get 20 ms, less than any container start takes, so the start must not be held to it.
     */
    @Test
    void startsATaskUnderTheChangeDeadlineNotTheQuestionsOne() {
        var spec = new TaskSpec("run-" + RUN + "-slow", TaskObjects.BASE_IMAGE, List.of("sleep", "30"), Map.of(),
                LABELS, null, new Limits(0.5, 32L * 1024 * 1024, 0), new RunRef("r-" + RUN + "-slow", 1, NODE));
        try (DockerDriver hurried = DockerDriver.connect(null, Duration.ofMillis(20), Duration.ofSeconds(60),
                                                         "cluster-" + RUN)) {
            hurried.start(spec);
        }
        assertThat(DOCKER.docker().inspectContainerCmd("dockhand-task-" + spec.id()).exec().getState().getRunning())
                .isTrue();
        driver.destroy(spec.id(), true);
    }

    @Test
    void leavesNoStepImageOfAFailedBuild() {
        List<String> log = new CopyOnWriteArrayList<>();
        var failing = new TarContext().file("Dockerfile", "FROM " + TaskObjects.BASE_IMAGE + "\nRUN echo " + RUN
                + " > /made\nRUN echo step two " + RUN + " > /two\nRUN echo broken; exit 7\n");

        assertThatThrownBy(() -> driver.build(new BuildSpec(null, LABELS, null, null, CONTEXT), failing.stream(),
                                              log::add)).isInstanceOf(ImageBuildException.class);

        Pattern step = Pattern.compile("\\s*---> ([0-9a-f]{12})");
        List<String> stepImages = log.stream().map(step::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .toList();
        assertThat(stepImages).as("the base and two steps").hasSizeGreaterThanOrEqualTo(3);
        for (String image : stepImages.subList(1, stepImages.size())) {
            assertThatThrownBy(() -> DOCKER.docker().inspectImageCmd(image).exec())
                    .as("step image " + image).isInstanceOf(NotFoundException.class);
        }
        DOCKER.docker().inspectImageCmd(TaskObjects.BASE_IMAGE).exec();
    }
}
