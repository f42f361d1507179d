package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.ExitResult;
import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.agent.executor.ImageNotFoundException;
import io.dockhand.agent.executor.Limits;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.TaskConflictException;
import io.dockhand.agent.executor.TaskEvent;
import io.dockhand.agent.executor.TaskHandle;
import io.dockhand.agent.executor.TaskNotFoundException;
import io.dockhand.agent.executor.TaskSpec;
import io.dockhand.agent.executor.TaskState;
import io.dockhand.agent.executor.TaskStatus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Docker driver against the real engine: an image built offline from {@code dockhand/debian:bookworm} (the
 * locally built base of every test image), tasks of it started, followed, waited for, stopped and destroyed.
 * Everything the tests create carries the run's label, and {@link TaskObjects} removes it whatever happens.
 */
class DockerDriverIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Map<String, String> LABELS = Map.of(TaskObjects.LABEL, RUN);

    @RegisterExtension
    static final TaskObjects DOCKER = new TaskObjects(RUN);

    private static DockerDriver driver;
    private static String image;
    private static final List<String> buildLog = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void buildImage() {
        driver = DockerDriver.connect(null, Duration.ofSeconds(10));
        var context = new TarContext()
                .file("Dockerfile", """
                        FROM %s
                        COPY task.sh /task.sh
                        RUN chmod 0755 /task.sh
                        CMD ["/task.sh"]
                        """.formatted(TaskObjects.BASE_IMAGE))
                .file("task.sh", """
                        #!/bin/sh
                        echo "out: $GREETING"
                        echo "err: $(pwd)" >&2
                        exit 3
                        """);
        image = driver.build(new BuildSpec("dockhand-it/executor:" + RUN, LABELS, Duration.ofMinutes(2)),
                context.stream(), buildLog::add);
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void buildsAnImageFromATarContextStreamingItsLog() {
        assertThat(image).startsWith("sha256:").hasSize(71);
        assertThat(buildLog).anySatisfy(line -> assertThat(line).startsWith("Step 1/"))
                .anySatisfy(line -> assertThat(line).contains("COPY task.sh"))
                .noneSatisfy(line -> assertThat(line).contains("\n"));
        var inspected = DOCKER.docker().inspectImageCmd(image).exec();
        assertThat(inspected.getConfig().getLabels()).containsEntry("io.dockhand.managed", "true")
                .containsEntry(TaskObjects.LABEL, RUN);
        assertThat(inspected.getRepoTags()).contains("dockhand-it/executor:" + RUN);
    }

    @Test
    void runsATaskCapturingStdoutAndStderrLinesAndItsExitCode() throws Exception {
        var spec = new TaskSpec(taskId("hello"), image, List.of(), Map.of("GREETING", "hi there"), LABELS, "/tmp",
                new Limits(0.5, 64L * 1024 * 1024, 64));
        TaskHandle handle = driver.start(spec);

        Optional<ExitResult> exit = driver.waitFor(spec.id(), Duration.ofSeconds(30));

        assertThat(exit).contains(new ExitResult(3, false));
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        driver.logs(spec.id(), false, lines::add, ended::countDown);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).containsExactlyInAnyOrder(new LogLine(LogLine.Stream.STDOUT, "out: hi there"),
                new LogLine(LogLine.Stream.STDERR, "err: /tmp"));

        TaskStatus status = driver.inspect(spec.id());
        assertThat(status.state()).isEqualTo(TaskState.EXITED);
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.containerId()).isEqualTo(handle.containerId());
        assertThat(status.imageId()).isEqualTo(image);
        assertThat(status.startedAt()).isNotNull();
        // No order between the two: for a task this quick the engine may record its start after its end.
        assertThat(status.finishedAt()).isNotNull();
    }

    @Test
    void givesTasksTheirLimitsAndNothingOfTheHost() {
        var spec = new TaskSpec(taskId("isolated"), image, List.of("sleep", "30"), Map.of(), LABELS, null,
                new Limits(0.5, 64L * 1024 * 1024, 64));
        TaskHandle handle = driver.start(spec);

        var container = DOCKER.docker().inspectContainerCmd(handle.containerId()).exec();
        var host = container.getHostConfig();
        assertThat(container.getName()).isEqualTo("/dockhand-task-" + spec.id());
        assertThat(container.getConfig().getLabels()).containsEntry("io.dockhand.managed", "true")
                .containsEntry("io.dockhand.task", spec.id()).containsEntry(TaskObjects.LABEL, RUN);
        assertThat(host.getPrivileged()).isFalse();
        assertThat(host.getNetworkMode()).isEqualTo("bridge");
        assertThat(host.getBinds()).isNullOrEmpty();
        assertThat(container.getMounts()).isNullOrEmpty();
        assertThat(host.getCapAdd()).isNullOrEmpty();
        assertThat(host.getDevices()).isNullOrEmpty();
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(host.getPidsLimit()).isEqualTo(64L);
        assertThat(driver.inspect(spec.id()).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void followsOutputAsTheTaskWritesIt() throws Exception {
        var spec = new TaskSpec(taskId("follow"), image,
                List.of("sh", "-c", "echo first; sleep 2; echo second >&2; printf unterminated"), Map.of(), LABELS,
                null, Limits.NONE);
        driver.start(spec);
        BlockingQueue<LogLine> lines = new LinkedBlockingQueue<>();
        CountDownLatch ended = new CountDownLatch(1);

        try (var following = driver.logs(spec.id(), true, lines::add, ended::countDown)) {
            assertThat(following).isNotNull();
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(new LogLine(LogLine.Stream.STDOUT, "first"));
            assertThat(driver.inspect(spec.id()).state()).isEqualTo(TaskState.RUNNING);
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(new LogLine(LogLine.Stream.STDERR, "second"));
            assertThat(ended.await(10, TimeUnit.SECONDS)).as("the stream ends when the task exits").isTrue();
            assertThat(lines).containsExactly(new LogLine(LogLine.Stream.STDOUT, "unterminated"));
        }
        assertThat(driver.waitFor(spec.id(), Duration.ofSeconds(5))).contains(new ExitResult(0, false));
    }

    @Test
    void waitGivesUpAtItsTimeoutWhileTheTaskRuns() {
        var spec = new TaskSpec(taskId("slow"), image, List.of("sleep", "30"), Map.of(), LABELS, null, null);
        driver.start(spec);

        long start = System.nanoTime();
        assertThat(driver.waitFor(spec.id(), Duration.ofMillis(500))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400),
                Duration.ofSeconds(5));
        assertThat(driver.inspect(spec.id()).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void stopsATaskThatIgnoresSigtermOnceItsGraceIsOver() {
        var spec = new TaskSpec(taskId("stubborn"), image,
                List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"), Map.of(), LABELS, null, null);
        driver.start(spec);

        long start = System.nanoTime();
        driver.stop(spec.id(), Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(Duration.ofMillis(1_500), Duration.ofSeconds(15));
        assertThat(driver.waitFor(spec.id(), Duration.ofSeconds(5))).contains(new ExitResult(137, false));
        driver.stop(spec.id(), Duration.ofSeconds(2));
    }

    @Test
    void stopsATaskThatHeedsSigtermAtOnce() {
        var spec = new TaskSpec(taskId("polite"), image, List.of("sleep", "600"), Map.of(), LABELS, null, null);
        driver.start(spec);

        long start = System.nanoTime();
        driver.stop(spec.id(), Duration.ofSeconds(20));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(driver.inspect(spec.id()).state()).isEqualTo(TaskState.EXITED);
    }

    @Test
    void destroysARunningTaskOnlyWhenForced() {
        var spec = new TaskSpec(taskId("doomed"), image, List.of("sleep", "600"), Map.of(), LABELS, null, null);
        TaskHandle handle = driver.start(spec);

        assertThatThrownBy(() -> driver.destroy(spec.id(), false)).isInstanceOf(TaskConflictException.class);
        driver.destroy(spec.id(), true);

        assertThatThrownBy(() -> driver.inspect(spec.id())).isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver.destroy(spec.id(), true)).isInstanceOf(TaskNotFoundException.class);
        assertThat(DOCKER.docker().listContainersCmd().withShowAll(true).withIdFilter(List.of(handle.containerId()))
                .exec()).isEmpty();
    }

    @Test
    void refusesATaskIdInUseAndAnImageNotOnTheNode() {
        var spec = new TaskSpec(taskId("twice"), image, List.of("sleep", "30"), Map.of(), LABELS, null, null);
        driver.start(spec);

        assertThatThrownBy(() -> driver.start(spec)).isInstanceOf(TaskConflictException.class);
        var missing = new TaskSpec(taskId("missing"), "dockhand-it/no-such-image:" + RUN, List.of(), Map.of(),
                LABELS, null, null);
        assertThatThrownBy(() -> driver.start(missing)).isInstanceOf(ImageNotFoundException.class);
        assertThatThrownBy(() -> driver.inspect(missing.id())).isInstanceOf(TaskNotFoundException.class);
    }

    @Test
    void leavesAContainerThatIsNotItsOwnAlone() {
        String id = taskId("foreign");
        String foreign = DOCKER.create("dockhand-task-" + id);

        assertThatThrownBy(() -> driver.inspect(id)).isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver.destroy(id, true)).isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver.stop(id, Duration.ZERO)).isInstanceOf(TaskNotFoundException.class);
        assertThat(DOCKER.docker().inspectContainerCmd(foreign).exec().getId()).isEqualTo(foreign);
        assertThatThrownBy(() -> driver.removeImage(TaskObjects.BASE_IMAGE)).isInstanceOf(TaskConflictException.class);
    }

    @Test
    void reportsAFailingBuildStepAndAMissingBaseImage() {
        // A missing base image makes the engine look for it in its registry (pull=false does not stop that), which
        // fails here, offline, with the engine's words about the registry.
        List<String> log = new CopyOnWriteArrayList<>();
        var failing = new TarContext().file("Dockerfile", "FROM " + TaskObjects.BASE_IMAGE + "\nRUN echo broken; exit 7\n");
        assertThatThrownBy(() -> driver.build(new BuildSpec(null, LABELS, null), failing.stream(), log::add))
                .isInstanceOf(ImageBuildException.class).hasMessageContaining("7");
        assertThat(log).contains("broken");

        var noBase = new TarContext().file("Dockerfile", "FROM dockhand-it/no-such-base:" + RUN + "\n");
        assertThatThrownBy(() -> driver.build(new BuildSpec(null, LABELS, null), noBase.stream(), line -> { }))
                .isInstanceOf(ImageBuildException.class);
    }

    @Test
    void reportsTaskEventsAndStats() throws Exception {
        BlockingQueue<TaskEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        var spec = new TaskSpec(taskId("events"), image, List.of("sh", "-c", "sleep 3; exit 5"), Map.of(), LABELS,
                null, null);
        try (var following = driver.events(events::add, () -> { })) {
            assertThat(following).isNotNull();
            Thread.sleep(300);
            driver.start(spec);
            try (var sampling = driver.stats(spec.id(), samples::add, () -> { })) {
                assertThat(sampling).isNotNull();
                assertThat(samples.poll(10, TimeUnit.SECONDS)).as("a stats sample").isNotNull();
            }
            assertThat(driver.waitFor(spec.id(), Duration.ofSeconds(20))).contains(new ExitResult(5, false));
            driver.destroy(spec.id(), false);

            assertThat(next(events, spec.id())).extracting(TaskEvent::kind).isEqualTo(TaskEvent.Kind.STARTED);
            TaskEvent exited = next(events, spec.id());
            assertThat(exited.kind()).isEqualTo(TaskEvent.Kind.EXITED);
            assertThat(exited.exitCode()).isEqualTo(5);
            assertThat(next(events, spec.id())).extracting(TaskEvent::kind).isEqualTo(TaskEvent.Kind.DESTROYED);
        }
    }

    @Test
    void removesAnImageItBuiltOnceNoTaskUsesIt() {
        var context = new TarContext().file("Dockerfile", "FROM " + TaskObjects.BASE_IMAGE + "\nLABEL x=" + RUN
                + "\n");
        String built = driver.build(new BuildSpec(null, LABELS, null), context.stream(), line -> { });

        driver.removeImage(built);
        driver.removeImage(built);

        assertThatThrownBy(() -> DOCKER.docker().inspectImageCmd(built).exec())
                .isInstanceOf(com.github.dockerjava.api.exception.NotFoundException.class);
    }

    private static TaskEvent next(BlockingQueue<TaskEvent> events, String taskId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            TaskEvent event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && event.taskId().equals(taskId)) {
                return event;
            }
        }
        throw new AssertionError("no event for " + taskId);
    }

    private static String taskId(String name) {
        return "it-" + RUN + "-" + name;
    }
}
