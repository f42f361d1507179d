package io.dockhand.agent.executor;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.dockhand.agent.engine.Engine.Subscription;
import io.dockhand.api.ServiceSpec;

/**
 * What a deployment needs of the node's engine beyond building: pushing an image to the registry, and the swarm
 * services of deployed apps (only a manager's engine answers those). Like {@link TaskDriver}, it speaks in plain
 * values: a deployment's {@link ServiceSpec} goes in, swarm's view of the service and its tasks comes out. Services
 * and images it creates carry the cluster's label, and it only touches services that do.
 */
public interface ServiceDriver {

    /**
     * Tags an image as {@code repository:tag} and pushes that to its registry.
     *
     * @param log receives the push's progress, a line per layer step worth telling
     * @return the pushed manifest's digest ({@code sha256:...})
     * @throws ImageBuildException when the engine refuses or the registry fails the push
     */
    String push(String imageId, String repository, String tag, Consumer<String> log);

    /**
     * Removes one name of an image ({@code repository:tag}), leaving the image and its other names; an image's only
     * name stays.
     */
    void untag(String reference);

    /**
     * Removes this cluster's images built for a deployment that no container uses.
     *
     * @return how many it removed
     */
    int removeDeploymentImages(String deployment);

    /** The service of that name, if there is one of this cluster's. */
    Optional<ServiceState> service(String name);

    /** Creates the app's service from the spec. */
    void create(ServiceSpec spec);

    /**
     * Updates an existing service to the spec (a rolling update as the spec's update config says).
     *
     * @param current the service as it is now (its version is the update's condition)
     */
    void update(ServiceState current, ServiceSpec spec);

    /** Creates or updates the app's gateway service ({@code <name>-gw}) for a {@code gateway} spec. */
    void ensureGateway(ServiceSpec spec);

    /** Removes a service of this cluster; false when there was none. */
    boolean remove(String name);

    /** The tasks of a service, newest first; empty when there is no such service. */
    List<ServiceTask> tasks(String name);

    /**
     * Streams a service's output, each line prefixed by the engine's timestamp ({@code 2026-...Z text}), from
     * {@code sinceEpochSecond} (0 for all) and on as the tasks write.
     *
     * @param onEnd runs once when the stream ends for any reason other than {@link Subscription#close()}
     */
    Subscription logs(String name, long sinceEpochSecond, Consumer<LogLine> onLine, Runnable onEnd);

    /** The image of a service of any owner (the stack's gateway), if there is one. */
    Optional<String> imageOf(String serviceName);

    /** The stack namespace the agent's own container belongs to ({@code com.docker.stack.namespace}), if any. */
    Optional<String> ownStack();
}
