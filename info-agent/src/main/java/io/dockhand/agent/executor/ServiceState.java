package io.dockhand.agent.executor;

/**
 * A swarm service as the engine has it now.
 *
 * @param id            its id
 * @param version       its version index (an update names it)
 * @param image         the image its spec runs
 * @param revision      the deployment revision its labels name, 0 when none
 * @param replicas      the replicas it asks for
 * @param updateState   swarm's update state ({@code updating}, {@code completed}, {@code rollback_started},
 *                      {@code rollback_completed}, ...), null when it was never updated
 * @param updateMessage swarm's message about the update, null when none
 */
public record ServiceState(String id, long version, String image, int revision, int replicas, String updateState,
                           String updateMessage) {
}
