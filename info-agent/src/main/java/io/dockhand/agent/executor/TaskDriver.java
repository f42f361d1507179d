package io.dockhand.agent.executor;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.dockhand.agent.engine.Engine.Subscription;
import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.StatsSample;

/**
 * Builds images and runs tasks on this node, after Nomad's {@code DriverPlugin}: {@link #start} is
 * {@code StartTask}, {@link #waitFor} {@code WaitTask}, {@link #stop} {@code StopTask}, {@link #destroy}
 * {@code DestroyTask}, {@link #inspect} {@code InspectTask}, {@link #stats} {@code TaskStats}, and {@link #logs}
 * with {@link #events} stand for {@code TaskEvents} (plus the log stream Nomad's logmon reads). A task is known by
 * the id its {@link TaskSpec} gave it; a driver only ever touches the tasks and images it created itself.
 *
 * <p>Every call either answers or throws: {@link TaskNotFoundException} and the other {@link TaskException}s when
 * the engine answered about the task, {@link EngineUnavailableException} when it did not answer (in time).
 */
public interface TaskDriver extends AutoCloseable {

    /**
     * Builds an image from a build context, as {@code docker build} does. Base images on the node are used as they
     * are, never refreshed from a registry; one that is missing is still looked for in its registry by the engine
     * (Docker's {@code pull=false} does not prevent that), so an offline node fails the build.
     *
     * @param spec    tag and labels of the image
     * @param context a tar stream of the context (a {@code Dockerfile} at its root), read once, never held whole
     * @param log     receives the build's output, a line at a time, as it comes
     * @return the new image's id ({@code sha256:...})
     * @throws ImageBuildException when the build fails (bad Dockerfile, a failing step, a missing base image)
     */
    String build(BuildSpec spec, InputStream context, Consumer<String> log);

    /**
     * Creates and starts a task's container.
     *
     * @throws ImageNotFoundException when the image is not on this node
     * @throws TaskConflictException  when a task with this id exists already
     */
    TaskHandle start(TaskSpec spec);

    /**
     * Waits for a task to exit.
     *
     * @param timeout how long to wait at most
     * @return how it exited, or empty when it still runs at the timeout
     */
    Optional<ExitResult> waitFor(String taskId, Duration timeout);

    /**
     * Stops a task: a {@code SIGTERM}, then a {@code SIGKILL} once the grace period is over. Stopping a task that
     * is not running does nothing.
     */
    void stop(String taskId, Duration grace);

    /**
     * Removes a task's container and its anonymous volumes.
     *
     * @param force also when it still runs (it is killed)
     * @throws TaskConflictException when it runs and {@code force} is false
     */
    void destroy(String taskId, boolean force);

    /** A task's state as the engine knows it now. */
    TaskStatus inspect(String taskId);

    /**
     * Streams a running task's resource samples, about one a second, until closed or the task ends.
     *
     * @param onEnd runs once when the stream ends for any reason other than {@link Subscription#close()}
     */
    Subscription stats(String taskId, Consumer<StatsSample> onSample, Runnable onEnd);

    /**
     * Streams a task's output, each line with the stream it came on, from its start; with {@code follow} it keeps
     * streaming as the task writes until it exits.
     *
     * @param onEnd runs once when the stream ends for any reason other than {@link Subscription#close()}
     */
    Subscription logs(String taskId, boolean follow, Consumer<LogLine> onLine, Runnable onEnd);

    /**
     * Streams what happens to this driver's tasks (started, exited, killed for memory, removed) from now on.
     *
     * @param onEnd runs once when the stream ends for any reason other than {@link Subscription#close()}
     */
    Subscription events(Consumer<TaskEvent> onEvent, Runnable onEnd);

    /**
     * Removes an image this driver built, unless a container still uses it. Removing one that is gone does nothing.
     */
    void removeImage(String imageId);

    /**
     * The newest image this driver built from a context (by its digest) and Dockerfile path, if the node still has
     * one: a run of the same context runs it without a rebuild.
     */
    Optional<String> cachedImage(String context, String dockerfile);

    /** The images this driver built from run contexts that are on the node now. */
    List<BuiltImage> builtImages();

    /** This driver's tasks that carry out runs of the given node, in any state (created, running, exited). */
    List<TaskStatus> runTasks(String node);

    /** What deployments need of the same engine: pushes and swarm services. */
    default ServiceDriver services() {
        throw new UnsupportedOperationException("this driver makes no services");
    }

    /** Whether the node has an image of that reference ({@code name:tag} or id). */
    default boolean hasImage(String reference) {
        return false;
    }

    @Override
    void close();
}
