package io.dockhand.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The swarm service a serve (or remove) run makes of a deployment.
 *
 * @param name                 the service's name ({@code dh-<deployment>}); its gateway is {@code <name>-gw}
 * @param deployment           the deployment
 * @param revision             the deployment's revision
 * @param image                the image, by digest in the registry
 * @param port                 the app's port inside its containers
 * @param publishedPort        the host port on every node
 * @param publish              {@code gateway} (dnsrr + a global gateway service in host mode) or {@code ingress}
 * @param replicas             how many
 * @param env                  its environment
 * @param cpus                 CPU limit per replica, 0 for none
 * @param memoryBytes          memory limit per replica, 0 for none
 * @param healthPath           the HTTP path a healthy replica answers 2xx on
 * @param healthTimeoutSeconds how long the replicas may take to become healthy
 * @param network              the overlay network the service joins (the stack's)
 * @param gatewayImage         the image of the gateway service (the stack's gateway image)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(String name, String deployment, int revision, String image, int port, int publishedPort,
                          String publish, int replicas, Map<String, String> env, double cpus, long memoryBytes,
                          String healthPath, long healthTimeoutSeconds, String network, String gatewayImage) {

    /** The name of a deployment's swarm service: {@code dh-<deployment>}. */
    public static String serviceName(String deployment) {
        return "dh-" + deployment;
    }
}
