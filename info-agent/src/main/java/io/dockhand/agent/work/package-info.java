/**
 * The agent as its node's executor: it registers the node and heartbeats ({@link io.dockhand.agent.work.Heartbeats}),
 * claims the runs queued for the node and carries each out through the executor seam
 * ({@link io.dockhand.agent.work.RunJob}: build or take from the image cache, run, ship the log, report the end;
 * the context uploaded to the store, or for a job task's attempt a git repository checked out on the node,
 * {@link io.dockhand.agent.work.GitCheckouts}), settles the containers of its node's runs when it starts again
 * ({@link io.dockhand.agent.work.Settlement}), and prunes the images it built
 * ({@link io.dockhand.agent.work.ImageRetention}). It reaches the control plane only through its public work
 * endpoints, with the cluster token ({@link io.dockhand.agent.work.WorkClient}).
 */
package io.dockhand.agent.work;
