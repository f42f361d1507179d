package io.dockhand.agent.engine;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.BuiltImage;
import io.dockhand.agent.executor.ExitResult;
import io.dockhand.agent.executor.ImageNotFoundException;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.agent.executor.TaskConflictException;
import io.dockhand.agent.executor.TaskDriver;
import io.dockhand.agent.executor.TaskEvent;
import io.dockhand.agent.executor.TaskHandle;
import io.dockhand.agent.executor.TaskNotFoundException;
import io.dockhand.agent.executor.TaskSpec;
import io.dockhand.agent.executor.TaskStatus;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DockerClientConfig;

/**
 * The {@link TaskDriver} on the node's Docker Engine, as Nomad's {@code drivers/docker} is. A task is a container
 * named {@code dockhand-task-<id>} and labelled {@code io.dockhand.managed=true} and {@code io.dockhand.task=<id>};
 * a container of that name without those labels is not a task, and the driver leaves it alone. Built images are
 * labelled {@code io.dockhand.managed=true} too. How a task is isolated is decided in {@link DockerTasks}.
 *
 * <p>Like {@link DockerEngine} it keeps a client for questions, answered within the engine timeout, and one for
 * what may take long: builds, waits, stops and streams. Changes (a task's container created and started, a service
 * made, updated or removed) go through the questions' client under a deadline of their own; over TCP that client's
 * response timeout, the question's, still bounds them.
 */
public final class DockerDriver implements TaskDriver {

    private static final System.Logger LOG = System.getLogger(DockerDriver.class.getName());

    private final DockerClient questions;
    private final DockerClient longCalls;
    private final DockerCalls calls;
    private final String cluster;
    private final DockerServices services;

    private DockerDriver(DockerClient questions, DockerClient longCalls, DockerCalls calls, String cluster) {
        this.questions = questions;
        this.longCalls = longCalls;
        this.calls = calls;
        this.cluster = cluster;
        this.services = new DockerServices(questions, longCalls, calls, cluster);
    }

    /**
     * Connects to an engine. Nothing is sent until the first call.
     *
     * @param dockerHost engine address; null for docker-java's defaults ({@code DOCKER_HOST}, then the local socket)
     * @param timeout    how long a question may take, connecting included
     */
    public static DockerDriver connect(String dockerHost, Duration timeout) {
        return connect(dockerHost, timeout, null);
    }

    /**
     * Connects to an engine for one cluster: every container and image the driver creates carries
     * {@code io.dockhand.cluster=<cluster>}, and it sees (lists, finds, stops, removes) only those that do.
     *
     * @param cluster the cluster's label value; null for a driver that neither labels nor filters by cluster
     */
    public static DockerDriver connect(String dockerHost, Duration timeout, String cluster) {
        return connect(dockerHost, timeout, DEFAULT_CHANGE_TIMEOUT, cluster);
    }

    /** How long a change may take unless said otherwise ({@code agent.engine.changetimeout}'s default). */
    public static final Duration DEFAULT_CHANGE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Connects to an engine for one cluster, with a deadline for changes (a task's container created or started, a
     * service made, updated or removed) apart from the questions' one.
     */
    public static DockerDriver connect(String dockerHost, Duration timeout, Duration changeTimeout, String cluster) {
        DockerClientConfig config = DockerCalls.config(dockerHost);
        return new DockerDriver(DockerCalls.client(config, timeout, timeout), DockerCalls.client(config, timeout, null),
                new DockerCalls(timeout, changeTimeout), cluster);
    }

    private Map<String, String> ours(Map<String, String> labels) {
        return DockerTasks.withCluster(labels, cluster);
    }

    @Override
    public String build(BuildSpec spec, InputStream context, Consumer<String> log) {
        var command = longCalls.buildImageCmd(context)
                .withLabels(ours(DockerTasks.labels(spec)))
                .withPull(false)
                .withRemove(true)
                .withForcerm(true);
        if (spec.tag() != null) {
            command.withTags(Set.of(spec.tag()));
        }
        if (spec.dockerfile() != null) {
            command.withDockerfilePath(spec.dockerfile());
        }
        spec.buildArgs().forEach(command::withBuildArg);
        if (spec.memoryBytes() > 0) {
            command.withMemory(spec.memoryBytes()).withMemswap(spec.memoryBytes());
        }
        String built = DockerBuild.run(command, spec.timeout(), log, this::removeStepImages);
        // The classic builder ends with "Successfully built <short id>": ask for the full one.
        return calls.ask("inspect built image", () -> questions.inspectImageCmd(built).exec().getId());
    }

    @Override
    public TaskHandle start(TaskSpec spec) {
        String containerId = calls.change("create task " + spec.id(), () -> {
            var create = questions.createContainerCmd(spec.image())
                    .withName(DockerTasks.containerName(spec.id()))
                    .withLabels(ours(DockerTasks.labels(spec)))
                    .withEnv(DockerTasks.env(spec.env()))
                    .withTty(false)
                    .withStdinOpen(false)
                    .withHostConfig(DockerTasks.hostConfig(spec));
            if (!spec.command().isEmpty()) {
                create.withCmd(spec.command());
            }
            if (spec.workingDir() != null) {
                create.withWorkingDir(spec.workingDir());
            }
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                throw new ImageNotFoundException(spec.image());
            } catch (ConflictException e) {
                throw new TaskConflictException("Task " + spec.id() + " exists already on this node");
            }
        });
        try {
            calls.change("start task " + spec.id(), () -> {
                questions.startContainerCmd(containerId).exec();
                return null;
            });
        } catch (RuntimeException e) {
            try {
                calls.change("remove task " + spec.id() + " that did not start", () -> {
                    questions.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
                    return null;
                });
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new TaskHandle(spec.id(), containerId);
    }

    @Override
    public Optional<ExitResult> waitFor(String taskId, Duration timeout) {
        String containerId = container(taskId).getId();
        AtomicReference<Integer> code = new AtomicReference<>();
        var waiting = longCalls.waitContainerCmd(containerId).exec(new ResultCallback.Adapter<WaitResponse>() {
            @Override
            public void onNext(WaitResponse response) {
                code.set(response.getStatusCode());
            }
        });
        try {
            if (!waiting.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (NotFoundException e) {
            throw new TaskNotFoundException(taskId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("Interrupted while waiting for task " + taskId, e);
        } catch (RuntimeException e) {
            throw new EngineUnavailableException("Waiting for task " + taskId + " failed: "
                    + DockerCalls.rootMessage(e), e);
        } finally {
            DockerCalls.closeQuietly(waiting);
        }
        TaskStatus status = inspect(taskId);
        Integer exitCode = code.get() != null ? code.get() : status.exitCode();
        return Optional.of(new ExitResult(exitCode == null ? -1 : exitCode, status.oomKilled()));
    }

    @Override
    public void stop(String taskId, Duration grace) {
        String containerId = container(taskId).getId();
        int seconds = (int) Math.max(0, (grace.toMillis() + 999) / 1000);
        calls.ask("stop task " + taskId, grace.plus(calls.timeout()), () -> {
            try {
                longCalls.stopContainerCmd(containerId).withTimeout(seconds).exec();
            } catch (NotModifiedException notRunning) {
                // stopped already
            } catch (NotFoundException e) {
                throw new TaskNotFoundException(taskId);
            }
            return null;
        });
    }

    @Override
    public void destroy(String taskId, boolean force) {
        String containerId = container(taskId).getId();
        calls.ask("remove task " + taskId, () -> {
            try {
                questions.removeContainerCmd(containerId).withForce(force).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                throw new TaskNotFoundException(taskId);
            } catch (ConflictException e) {
                throw new TaskConflictException("Task " + taskId + " cannot be removed: "
                        + DockerCalls.engineMessage(e));
            }
            return null;
        });
    }

    @Override
    public TaskStatus inspect(String taskId) {
        return DockerTasks.status(taskId, container(taskId));
    }

    @Override
    public Engine.Subscription stats(String taskId, Consumer<StatsSample> onSample, Runnable onEnd) {
        String containerId = container(taskId).getId();
        return DockerCalls.stream(longCalls.statsCmd(containerId), () -> { }, statistics -> {
            StatsSample sample = DockerModels.sample(statistics);
            if (sample != null) {
                onSample.accept(sample);
            }
        }, onEnd);
    }

    @Override
    public Engine.Subscription logs(String taskId, boolean follow, Consumer<LogLine> onLine, Runnable onEnd) {
        String containerId = container(taskId).getId();
        return DockerLogs.follow(longCalls, containerId, follow, calls.timeout(), onLine, onEnd);
    }

    @Override
    public Engine.Subscription events(Consumer<TaskEvent> onEvent, Runnable onEnd) {
        var command = longCalls.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withLabelFilter(ours(Map.of(DockerTasks.MANAGED, "true")))
                .withEventFilter("start", "die", "oom", "destroy");
        return DockerCalls.stream(command, () -> { }, event -> {
            TaskEvent taskEvent = DockerTasks.event(event);
            if (taskEvent != null) {
                onEvent.accept(taskEvent);
            }
        }, onEnd);
    }

    @Override
    public void removeImage(String imageId) {
        calls.ask("remove image " + imageId, () -> {
            try {
                var image = questions.inspectImageCmd(imageId).exec();
                Map<String, String> labels = image.getConfig() == null ? null : image.getConfig().getLabels();
                if (labels == null || !"true".equals(labels.get(DockerTasks.MANAGED))) {
                    throw new TaskConflictException("Image " + imageId + " was not built by Dockhand; not removing it");
                }
                if (cluster != null && !cluster.equals(labels.get(DockerTasks.CLUSTER))) {
                    throw new TaskConflictException("Image " + imageId + " belongs to another cluster; not removing it");
                }
                questions.removeImageCmd(image.getId()).withForce(false).exec();
            } catch (NotFoundException gone) {
                // removed already
            } catch (ConflictException e) {
                throw new TaskConflictException("Image " + imageId + " is in use: " + DockerCalls.engineMessage(e));
            }
            return null;
        });
    }

    @Override
    public Optional<String> cachedImage(String context, String dockerfile) {
        return calls.ask("find a cached image", () -> questions.listImagesCmd()
                .withLabelFilter(ours(Map.of(DockerTasks.MANAGED, "true", DockerTasks.CONTEXT, context,
                                             DockerTasks.DOCKERFILE, DockerTasks.dockerfile(dockerfile))))
                .exec().stream()
                .max(Comparator.comparing(image -> image.getCreated() == null ? 0L : image.getCreated()))
                .map(Image::getId));
    }

    @Override
    public List<BuiltImage> builtImages() {
        return calls.ask("list built images", () -> questions.listImagesCmd()
                .withLabelFilter(ours(Map.of(DockerTasks.MANAGED, "true"))).exec().stream()
                .filter(image -> image.getLabels() != null && image.getLabels().get(DockerTasks.CONTEXT) != null)
                .map(image -> new BuiltImage(image.getId(), image.getLabels().get(DockerTasks.CONTEXT),
                        image.getLabels().get(DockerTasks.DOCKERFILE),
                        Instant.ofEpochSecond(image.getCreated() == null ? 0L : image.getCreated())))
                .toList());
    }

    @Override
    public List<TaskStatus> runTasks(String node) {
        List<Container> found = calls.ask("list run tasks", () -> questions.listContainersCmd().withShowAll(true)
                .withLabelFilter(ours(Map.of(DockerTasks.MANAGED, "true", DockerTasks.NODE, node))).exec());
        List<TaskStatus> tasks = new ArrayList<>();
        for (Container c : found) {
            String taskId = c.getLabels() == null ? null : c.getLabels().get(DockerTasks.TASK);
            if (taskId == null || c.getLabels().get(DockerTasks.RUN) == null) {
                continue;
            }
            try {
                tasks.add(inspect(taskId));
            } catch (TaskNotFoundException gone) {
                // removed meanwhile
            }
        }
        return tasks;
    }

    /** How long a cancelled build's step container may take to go before its image is given up on. */
    private static final Duration STEP_CONTAINER_GONE = Duration.ofSeconds(20);

    /**
     * Removes the step images of a failed build, newest first, leaving their parents (which may be others'). A
     * build abandoned mid-step still has that step's container running on its newest image for a moment (the
     * engine kills and removes it once it sees the request closed): while a container uses an image, its removal
     * is retried.
     */
    private void removeStepImages(List<String> newestFirst) {
        long giveUp = System.nanoTime() + STEP_CONTAINER_GONE.toNanos();
        for (String image : newestFirst) {
            while (true) {
                try {
                    calls.ask("remove a failed build's image", () -> {
                        questions.removeImageCmd(image).withForce(false).withNoPrune(true).exec();
                        return null;
                    });
                    break;
                } catch (RuntimeException e) {
                    if (e.getCause() instanceof ConflictException conflict
                            && String.valueOf(conflict.getMessage()).contains("is being used by")
                            && System.nanoTime() < giveUp) {
                        try {
                            Thread.sleep(250);
                            continue;
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    // Taken as a parent by another build meanwhile, or gone: either way not ours to force.
                    LOG.log(System.Logger.Level.DEBUG, "Could not remove image " + image + " of a failed build", e);
                    break;
                }
            }
        }
    }

    @Override
    public ServiceDriver services() {
        return services;
    }

    @Override
    public boolean hasImage(String reference) {
        return calls.ask("inspect image " + reference, () -> {
            try {
                questions.inspectImageCmd(reference).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        calls.close();
        DockerCalls.closeQuietly(longCalls);
        DockerCalls.closeQuietly(questions);
    }

    /** The task's container, if it is one of this driver's. */
    private InspectContainerResponse container(String taskId) {
        return calls.ask("inspect task " + taskId, () -> {
            try {
                InspectContainerResponse c = questions.inspectContainerCmd(DockerTasks.containerName(taskId)).exec();
                if (!DockerTasks.isTask(c, taskId, cluster)) {
                    throw new TaskNotFoundException(taskId);
                }
                return c;
            } catch (NotFoundException e) {
                throw new TaskNotFoundException(taskId);
            }
        });
    }
}
