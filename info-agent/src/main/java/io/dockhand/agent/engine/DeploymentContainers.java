package io.dockhand.agent.engine;

import java.util.Map;
import java.util.Optional;

import io.dockhand.api.ServiceSpec;

/**
 * Which deployment a running container is a replica of, read from the labels the agent gives a deployment's
 * services ({@link DockerServiceSpecs}) and those swarm gives their tasks' containers.
 */
public final class DeploymentContainers {

    /** The label swarm gives a service's task containers: the service's name. */
    static final String SWARM_SERVICE = "com.docker.swarm.service.name";

    private DeploymentContainers() {
    }

    /**
     * The deployment whose app this container is a replica of: it carries this cluster's labels and the
     * deployment's, and swarm put it there for the deployment's service ({@code dh-<deployment>}); empty for any
     * other container, the deployment's gateway service's among them (it carries the same labels, under the
     * service {@code dh-<deployment>-gw}).
     *
     * @param cluster this cluster's {@code io.dockhand.cluster} label value
     */
    public static Optional<String> deploymentOf(Map<String, String> labels, String cluster) {
        String deployment = labels.get(DockerServiceSpecs.DEPLOYMENT);
        if (deployment == null || !"true".equals(labels.get(DockerTasks.MANAGED))
                || !cluster.equals(labels.get(DockerTasks.CLUSTER))
                || !ServiceSpec.serviceName(deployment).equals(labels.get(SWARM_SERVICE))) {
            return Optional.empty();
        }
        return Optional.of(deployment);
    }
}
