package io.dockhand.agent.work;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.dockhand.api.DeploymentStatus;

/**
 * The build cache of destroyed deployments: every {@link DeploySettings#cleanEvery()} the agent asks the store
 * which deployments are destroyed and removes its node's images of them (built or pulled, known by their
 * {@code io.dockhand.deployment} label and the cluster's), once per deployment and agent.
 */
final class DestroyedImages implements Runnable {

    private static final System.Logger LOG = System.getLogger(DestroyedImages.class.getName());

    private final WorkContext work;
    private final Set<String> cleaned = new HashSet<>();

    DestroyedImages(WorkContext work) {
        this.work = work;
    }

    @Override
    public void run() {
        while (!work.closing()) {
            try {
                Thread.sleep(work.deploySettings().cleanEvery().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                clean();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Cleaning destroyed deployments' images failed: " + e.getMessage());
            }
        }
    }

    /** One round: removes the images of the destroyed deployments not cleaned yet. */
    void clean() {
        List<String> destroyed = work.store().deployments(DeploymentStatus.DESTROYED);
        cleaned.retainAll(destroyed);
        for (String name : destroyed) {
            if (cleaned.contains(name)) {
                continue;
            }
            int removed = work.driver().services().removeDeploymentImages(name);
            cleaned.add(name);
            if (removed > 0) {
                LOG.log(System.Logger.Level.INFO, "Removed " + removed + " image(s) of destroyed deployment " + name);
            }
        }
    }
}
