package io.dockhand.agent.work;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

/**
 * A destroyed deployment's remove run, on a swarm manager: its service and gateway service go (missing ones are
 * fine), the run waits until their tasks are gone, every tag of its repository is deleted from the registry, and
 * this node's images of it are removed (every other node removes its own when it sees the deployment destroyed).
 */
final class DeployRemove extends DeployJob {

    private static final Duration TASKS_GONE = Duration.ofSeconds(60);

    DeployRemove(WorkContext work, Run run, long leaseSeconds) {
        super(work, run, leaseSeconds);
    }

    @Override
    protected void carryOut(LogShipper log) {
        ServiceDriver swarm = services();
        String name = deploy.service() != null && deploy.service().name() != null ? deploy.service().name()
                : io.dockhand.api.ServiceSpec.serviceName(deploy.deployment());
        for (String service : List.of(name + "-gw", name)) {
            log.line("system", swarm.remove(service) ? "Removed service " + service + "."
                    : "No service " + service + " to remove.");
        }
        Instant deadline = Instant.now().plus(TASKS_GONE);
        while (!(swarm.tasks(name).isEmpty() && swarm.tasks(name + "-gw").isEmpty())) {
            if (Instant.now().isAfter(deadline)) {
                log.line("system", "The services' tasks were not all gone after " + TASKS_GONE.toSeconds()
                        + " s; going on.");
                break;
            }
            pause(500);
        }
        if (deploy.repository() != null) {
            List<String> tags = work.registry().deleteAll(deploy.repository());
            log.line("system", tags.isEmpty() ? "No image of " + deploy.repository() + " in the registry."
                    : "Deleted " + tags.size() + " image" + (tags.size() == 1 ? "" : "s") + " of "
                    + deploy.repository() + " from the registry: " + String.join(", ", tags) + ".");
        }
        int removed = swarm.removeDeploymentImages(deploy.deployment());
        log.line("system", "Removed " + removed + " image" + (removed == 1 ? "" : "s") + " of deployment "
                + deploy.deployment() + " from node " + work.node() + ".");
        finish(log, RunState.SUCCEEDED, null, null);
    }
}
