package io.dockhand.agent.engine;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.RunRef;
import io.dockhand.agent.executor.TaskEvent;
import io.dockhand.agent.executor.TaskSpec;
import io.dockhand.agent.executor.TaskState;
import io.dockhand.agent.executor.TaskStatus;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.HostConfig;

/**
 * Turns the executor's records into Docker's container settings and Docker's answers into the executor's records;
 * the other half of {@link DockerDriver}. It is here, and only here, that a task's isolation is decided.
 */
final class DockerTasks {

    /** Marks every container and image the agent created, so it only ever touches its own. */
    static final String MANAGED = "io.dockhand.managed";
    /** The task a container runs. */
    static final String TASK = "io.dockhand.task";
    /** The run a task carries out, its attempt and its node (see {@link RunRef}). */
    static final String RUN = "io.dockhand.run";
    static final String ATTEMPT = "io.dockhand.attempt";
    static final String NODE = "io.dockhand.node";
    /**
     * The cluster whose agent created a container or image: two clusters may share one engine (a test stack
     * beside a user's), and an agent never touches another cluster's objects.
     */
    static final String CLUSTER = "io.dockhand.cluster";
    /** The context digest and Dockerfile path an image was built from: the key of the node's image cache. */
    static final String CONTEXT = "io.dockhand.context";
    static final String DOCKERFILE = "io.dockhand.dockerfile";
    /** What a task's container is called: the prefix, then the task's id. */
    static final String NAME_PREFIX = "dockhand-task-";

    private static final Instant DOCKER_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private DockerTasks() {
    }

    static String containerName(String taskId) {
        return NAME_PREFIX + taskId;
    }

    static Map<String, String> labels(Map<String, String> own, String taskId) {
        Map<String, String> all = new HashMap<>(own);
        all.put(MANAGED, "true");
        if (taskId != null) {
            all.put(TASK, taskId);
        }
        return all;
    }

    /** A task container's labels: its own, the driver's, and the run it carries out. */
    static Map<String, String> labels(TaskSpec spec) {
        Map<String, String> all = labels(spec.labels(), spec.id());
        if (spec.run() != null) {
            all.put(RUN, spec.run().runId());
            all.put(ATTEMPT, Integer.toString(spec.run().attempt()));
            all.put(NODE, spec.run().node());
        }
        return all;
    }

    /** A built image's labels: its own, the driver's, and the cache key when it is cached by context. */
    static Map<String, String> labels(BuildSpec spec) {
        Map<String, String> all = labels(spec.labels(), null);
        if (spec.context() != null) {
            all.put(CONTEXT, spec.context());
            all.put(DOCKERFILE, dockerfile(spec.dockerfile()));
        }
        if (spec.deployment() != null) {
            all.put(DockerServiceSpecs.DEPLOYMENT, spec.deployment());
        }
        return all;
    }

    static String dockerfile(String path) {
        return path == null ? "Dockerfile" : path;
    }

    /** The run a container's labels name, or null when they name none (or garble it). */
    static RunRef run(Map<String, String> labels) {
        if (labels == null || labels.get(RUN) == null) {
            return null;
        }
        try {
            return new RunRef(labels.get(RUN), Integer.parseInt(labels.getOrDefault(ATTEMPT, "")),
                              labels.get(NODE));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static List<String> env(Map<String, String> env) {
        List<String> list = new ArrayList<>(env.size());
        env.forEach((name, value) -> list.add(name + "=" + value));
        return list;
    }

    /**
     * The host side of a task's container. Everything that would give it the host is set to its safe value
     * explicitly rather than left to the engine's defaults: not privileged, the default bridge network, no binds,
     * volumes, devices, added capabilities or published ports, and no gaining privileges through setuid binaries.
     */
    static HostConfig hostConfig(TaskSpec spec) {
        HostConfig host = HostConfig.newHostConfig()
                .withPrivileged(false)
                .withNetworkMode("bridge")
                .withInit(true)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withAutoRemove(false);
        if (spec.limits().cpus() > 0) {
            host.withNanoCPUs(Math.round(spec.limits().cpus() * 1_000_000_000L));
        }
        if (spec.limits().memoryBytes() > 0) {
            host.withMemory(spec.limits().memoryBytes()).withMemorySwap(spec.limits().memoryBytes());
        }
        if (spec.limits().pids() > 0) {
            host.withPidsLimit(spec.limits().pids());
        }
        return host;
    }

    /** Whether a container is the named task of this driver (and not someone else's container of that name). */
    static boolean isTask(InspectContainerResponse c, String taskId, String cluster) {
        Map<String, String> labels = c.getConfig() == null ? null : c.getConfig().getLabels();
        return labels != null && "true".equals(labels.get(MANAGED)) && taskId.equals(labels.get(TASK))
                && (cluster == null || cluster.equals(labels.get(CLUSTER)));
    }

    /** Labels (or a label filter) with the cluster's label added, when the driver works for one. */
    static Map<String, String> withCluster(Map<String, String> labels, String cluster) {
        if (cluster == null) {
            return labels;
        }
        Map<String, String> all = new HashMap<>(labels);
        all.put(CLUSTER, cluster);
        return all;
    }

    static TaskStatus status(String taskId, InspectContainerResponse c) {
        InspectContainerResponse.ContainerState s = c.getState();
        TaskState state = state(s == null ? null : s.getStatus());
        Integer exitCode = state == TaskState.EXITED && s.getExitCodeLong() != null
                ? Math.toIntExact(s.getExitCodeLong()) : null;
        boolean oom = s != null && Boolean.TRUE.equals(s.getOOMKilled());
        return new TaskStatus(taskId, c.getId(), c.getImageId(), state, exitCode, oom, instant(c.getCreated()),
                s == null ? null : instant(s.getStartedAt()), s == null ? null : instant(s.getFinishedAt()),
                run(c.getConfig() == null ? null : c.getConfig().getLabels()));
    }

    static TaskState state(String engineStatus) {
        if (engineStatus == null) {
            return TaskState.UNKNOWN;
        }
        return switch (engineStatus) {
            case "created" -> TaskState.CREATED;
            case "running", "paused", "restarting" -> TaskState.RUNNING;
            case "exited" -> TaskState.EXITED;
            default -> TaskState.UNKNOWN;
        };
    }

    /** The task event an engine event stands for, or null when it is not about one of the driver's tasks. */
    static TaskEvent event(Event e) {
        Map<String, String> attributes = e.getActor() == null ? null : e.getActor().getAttributes();
        if (attributes == null || !"true".equals(attributes.get(MANAGED)) || attributes.get(TASK) == null) {
            return null;
        }
        TaskEvent.Kind kind = switch (e.getAction() == null ? "" : e.getAction()) {
            case "start" -> TaskEvent.Kind.STARTED;
            case "die" -> TaskEvent.Kind.EXITED;
            case "oom" -> TaskEvent.Kind.OOM_KILLED;
            case "destroy" -> TaskEvent.Kind.DESTROYED;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        Instant at = e.getTimeNano() != null ? Instant.EPOCH.plusNanos(e.getTimeNano())
                : e.getTime() != null ? Instant.ofEpochSecond(e.getTime()) : Instant.now();
        Integer exitCode = null;
        if (kind == TaskEvent.Kind.EXITED && attributes.get("exitCode") != null) {
            try {
                exitCode = Integer.valueOf(attributes.get("exitCode"));
            } catch (NumberFormatException e1) {
                exitCode = null;
            }
        }
        return new TaskEvent(attributes.get(TASK), kind, at, exitCode);
    }

    /** An engine timestamp; null for none, and for the zero time the engine gives a task that never started. */
    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant at = Instant.parse(text);
            return at.equals(DOCKER_ZERO_TIME) ? null : at;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
