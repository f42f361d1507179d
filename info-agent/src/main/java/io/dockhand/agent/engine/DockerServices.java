package io.dockhand.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.agent.executor.ServiceState;
import io.dockhand.agent.executor.ServiceTask;
import io.dockhand.agent.executor.TaskConflictException;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Task;

/**
 * The {@link ServiceDriver} on the node's Docker Engine: pushes with the engine's own registry client, and the
 * swarm services of deployments as {@link DockerServiceSpecs} builds them. It shares {@link DockerDriver}'s clients.
 */
final class DockerServices implements ServiceDriver {

    private static final System.Logger LOG = System.getLogger(DockerServices.class.getName());
    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(20);
    private static final Pattern CONTAINER_ID = Pattern.compile("/containers/([0-9a-f]{64})/");
    static final String STACK_NAMESPACE = "com.docker.stack.namespace";

    private final DockerClient questions;
    private final DockerClient longCalls;
    private final DockerCalls calls;
    private final String cluster;

    DockerServices(DockerClient questions, DockerClient longCalls, DockerCalls calls, String cluster) {
        this.questions = questions;
        this.longCalls = longCalls;
        this.calls = calls;
        this.cluster = cluster;
    }

    @Override
    public String push(String imageId, String repository, String tag, Consumer<String> log) {
        calls.ask("tag image " + repository + ":" + tag, () -> {
            questions.tagImageCmd(imageId, repository, tag).withForce(true).exec();
            return null;
        });
        AtomicReference<String> digest = new AtomicReference<>();
        AtomicReference<String> error = new AtomicReference<>();
        var callback = longCalls.pushImageCmd(repository).withTag(tag).exec(new ResultCallback.Adapter<PushResponseItem>() {
            @Override
            public void onNext(PushResponseItem item) {
                if (item.isErrorIndicated()) {
                    String message = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage() : item.getError();
                    error.compareAndSet(null, message == null ? "the push failed" : message.strip());
                    return;
                }
                if (item.getAux() != null && item.getAux().getDigest() != null) {
                    digest.set(item.getAux().getDigest());
                }
                String status = item.getStatus();
                if (status == null) {
                    return;
                }
                if (item.getId() == null || status.equals("Pushed") || status.startsWith("Layer already exists")
                        || status.startsWith("Mounted from")) {
                    log.accept(item.getId() == null ? status : item.getId() + ": " + status);
                }
            }
        });
        try {
            if (!callback.awaitCompletion(PUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ImageBuildException("the push of " + repository + ":" + tag + " did not finish within "
                        + PUSH_TIMEOUT.toMinutes() + " minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("Interrupted while pushing " + repository + ":" + tag, e);
        } catch (DockerException e) {
            throw new ImageBuildException("the engine refused to push " + repository + ":" + tag + ": "
                    + DockerCalls.engineMessage(e));
        } catch (DockerClientException e) {
            throw new ImageBuildException("the push of " + repository + ":" + tag + " failed: " + e.getMessage());
        } finally {
            DockerCalls.closeQuietly(callback);
        }
        if (error.get() != null) {
            throw new ImageBuildException("the push of " + repository + ":" + tag + " failed: " + error.get());
        }
        if (digest.get() != null) {
            return digest.get();
        }
        // An engine that said no digest in the push's aux item: the image's repository digests have it.
        return calls.ask("inspect pushed image", () -> {
            List<String> repoDigests = questions.inspectImageCmd(imageId).exec().getRepoDigests();
            return (repoDigests == null ? List.<String>of() : repoDigests).stream()
                    .filter(d -> d.startsWith(repository + "@")).map(d -> d.substring(repository.length() + 1))
                    .findFirst().orElseThrow(() -> new ImageBuildException("the registry named no digest for "
                            + repository + ":" + tag));
        });
    }

    @Override
    public void untag(String reference) {
        calls.ask("untag " + reference, () -> {
            try {
                List<String> names = questions.inspectImageCmd(reference).exec().getRepoTags();
                if (names == null || names.size() < 2) {
                    return null; // its only name: removing it would remove the image
                }
                questions.removeImageCmd(reference).withForce(false).withNoPrune(true).exec();
            } catch (NotFoundException gone) {
                // not tagged (any more)
            } catch (ConflictException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not untag " + reference + ": " + DockerCalls.engineMessage(e));
            }
            return null;
        });
    }

    @Override
    public int removeDeploymentImages(String deployment) {
        Map<String, String> filter = DockerTasks.withCluster(Map.of(DockerServiceSpecs.DEPLOYMENT, deployment),
                                                             cluster);
        List<Image> images = calls.ask("list a deployment's images", () -> questions.listImagesCmd()
                .withShowAll(false).withLabelFilter(filter).exec());
        int removed = 0;
        for (Image image : images) {
            try {
                calls.ask("remove a deployment's image", () -> {
                    // Forced: it has more than one name (the build's and the registry's); a running container's
                    // image is refused all the same.
                    questions.removeImageCmd(image.getId()).withForce(true).exec();
                    return null;
                });
                removed++;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not remove image " + image.getId() + " of deployment "
                        + deployment, e);
            }
        }
        return removed;
    }

    @Override
    public Optional<ServiceState> service(String name) {
        return inspect(name).filter(this::ours).map(DockerServices::state);
    }

    private Optional<Service> inspect(String name) {
        return calls.ask("inspect service " + name, () -> {
            try {
                Service service = questions.inspectServiceCmd(name).exec();
                // inspect also answers to an id or an id's prefix: only the name counts
                return service.getSpec() != null && name.equals(service.getSpec().getName()) ? Optional.of(service)
                        : Optional.<Service>empty();
            } catch (NotFoundException e) {
                return Optional.<Service>empty();
            }
        });
    }

    private boolean ours(Service service) {
        Map<String, String> labels = service.getSpec().getLabels();
        return cluster == null || (labels != null && cluster.equals(labels.get(DockerTasks.CLUSTER)));
    }

    static ServiceState state(Service service) {
        ServiceSpec spec = service.getSpec();
        String image = spec.getTaskTemplate() == null || spec.getTaskTemplate().getContainerSpec() == null ? null
                : spec.getTaskTemplate().getContainerSpec().getImage();
        Map<String, String> labels = spec.getLabels() == null ? Map.of() : spec.getLabels();
        int revision;
        try {
            revision = Integer.parseInt(labels.getOrDefault(DockerServiceSpecs.REVISION, "0"));
        } catch (NumberFormatException e) {
            revision = 0;
        }
        int replicas = spec.getMode() != null && spec.getMode().getReplicated() != null
                ? (int) spec.getMode().getReplicated().getReplicas() : 0;
        var update = service.getUpdateStatus();
        return new ServiceState(service.getId(), service.getVersion() == null ? 0 : service.getVersion().getIndex(),
                image, revision, replicas,
                update == null || update.getState() == null ? null
                        : update.getState().name().toLowerCase(Locale.ROOT),
                update == null ? null : update.getMessage());
    }

    @Override
    public void create(io.dockhand.api.ServiceSpec spec) {
        ServiceSpec app = DockerServiceSpecs.app(spec, cluster);
        calls.change("create service " + spec.name(), () -> {
            try {
                questions.createServiceCmd(app).exec();
            } catch (ConflictException e) {
                throw new TaskConflictException("Service " + spec.name() + " exists already: "
                        + DockerCalls.engineMessage(e));
            }
            return null;
        });
    }

    @Override
    public void update(ServiceState current, io.dockhand.api.ServiceSpec spec) {
        ServiceSpec app = DockerServiceSpecs.app(spec, cluster);
        calls.change("update service " + spec.name(), () -> {
            questions.updateServiceCmd(current.id(), app).withVersion(current.version()).exec();
            return null;
        });
    }

    @Override
    public void ensureGateway(io.dockhand.api.ServiceSpec spec) {
        // Tuned like the stack's own gateway service (its health check's grace under emulation, its JVM options).
        ContainerSpec like = ownStack().flatMap(ns -> inspect(ns + "_gateway"))
                .map(s -> s.getSpec() == null || s.getSpec().getTaskTemplate() == null ? null
                        : s.getSpec().getTaskTemplate().getContainerSpec())
                .orElse(null);
        ServiceSpec wanted = DockerServiceSpecs.gateway(spec, cluster, like);
        String name = wanted.getName();
        Optional<Service> existing = inspect(name).filter(this::ours);
        calls.change("make gateway service " + name, () -> {
            if (existing.isEmpty()) {
                questions.createServiceCmd(wanted).exec();
            } else {
                ServiceSpec now = existing.get().getSpec();
                if (!sameGateway(now, wanted)) {
                    questions.updateServiceCmd(existing.get().getId(), wanted)
                            .withVersion(existing.get().getVersion().getIndex()).exec();
                }
            }
            return null;
        });
    }

    /**
     * Whether a gateway service already runs the wanted spec: by the spec's fingerprint, which covers its health
     * check and JVM options too; a gateway made before fingerprints by its image, environment and ports (so an
     * agent upgrade does not restart every app's gateway at its next deploy).
     */
    static boolean sameGateway(ServiceSpec now, ServiceSpec wanted) {
        String had = now.getLabels() == null ? null : now.getLabels().get(DockerServiceSpecs.GATEWAY_SPEC);
        if (had != null) {
            return had.equals(wanted.getLabels().get(DockerServiceSpecs.GATEWAY_SPEC));
        }
        ContainerSpec running = now.getTaskTemplate().getContainerSpec();
        ContainerSpec target = wanted.getTaskTemplate().getContainerSpec();
        return Objects.equals(running.getImage(), target.getImage())
                && Objects.equals(running.getEnv(), target.getEnv())
                && Objects.equals(now.getEndpointSpec(), wanted.getEndpointSpec());
    }

    @Override
    public boolean remove(String name) {
        Optional<Service> service = inspect(name).filter(this::ours);
        if (service.isEmpty()) {
            return false;
        }
        return calls.change("remove service " + name, () -> {
            try {
                questions.removeServiceCmd(service.get().getId()).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    @Override
    public List<ServiceTask> tasks(String name) {
        List<Task> tasks = calls.ask("list tasks of " + name, () -> {
            try {
                return questions.listTasksCmd().withServiceFilter(name).exec();
            } catch (NotFoundException e) {
                return List.<Task>of();
            }
        });
        List<ServiceTask> result = new ArrayList<>();
        for (Task task : tasks) {
            result.add(task(task));
        }
        result.sort(Comparator.comparing((ServiceTask t) -> t.at() == null ? Instant.EPOCH : t.at()).reversed());
        return result;
    }

    static ServiceTask task(Task task) {
        var status = task.getStatus();
        String image = task.getSpec() == null || task.getSpec().getContainerSpec() == null ? null
                : task.getSpec().getContainerSpec().getImage();
        Integer exit = status == null || status.getContainerStatus() == null ? null
                : status.getContainerStatus().getExitCode();
        return new ServiceTask(task.getId(), task.getNodeId(), task.getSlot() == null ? 0 : task.getSlot(), image,
                status == null || status.getState() == null ? null : status.getState().getValue(),
                task.getDesiredState() == null ? null : task.getDesiredState().getValue(),
                status == null ? null : status.getMessage(), status == null ? null : status.getErr(),
                DockerModels.instant(status == null ? null : status.getTimestamp()), exit);
    }


    @Override
    public Engine.Subscription logs(String name, long sinceEpochSecond, Consumer<LogLine> onLine, Runnable onEnd) {
        LogLines lines = new LogLines(onLine);
        var command = longCalls.logServiceCmd(name).withFollow(true).withTimestamps(true).withStdout(true)
                .withStderr(true);
        if (sinceEpochSecond > 0) {
            command.withSince((int) Math.min(Integer.MAX_VALUE, sinceEpochSecond));
        }
        return DockerCalls.stream(command, () -> { }, (Frame frame) -> lines.accept(
                frame.getStreamType() == StreamType.STDERR ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT,
                frame.getPayload()), () -> {
                    lines.flush();
                    onEnd.run();
                });
    }

    @Override
    public Optional<String> imageOf(String serviceName) {
        return inspect(serviceName).map(DockerServices::state).map(ServiceState::image);
    }

    @Override
    public Optional<String> ownStack() {
        Optional<String> id = ownContainer();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return calls.ask("inspect the agent's container", () -> {
            try {
                var labels = questions.inspectContainerCmd(id.get()).exec().getConfig().getLabels();
                return Optional.ofNullable(labels == null ? null : labels.get(STACK_NAMESPACE));
            } catch (NotFoundException e) {
                return Optional.<String>empty();
            }
        });
    }

    /** The agent's own container's id, from its mounts (its hostname file lives in the container's folder). */
    private static Optional<String> ownContainer() {
        try {
            Matcher m = CONTAINER_ID.matcher(Files.readString(Path.of("/proc/self/mountinfo")));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
