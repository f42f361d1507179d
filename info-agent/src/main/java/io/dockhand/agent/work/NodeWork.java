package io.dockhand.agent.work;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.NodeDescription;
import io.dockhand.agent.executor.TaskDriver;
import io.dockhand.agent.watch.EngineWatch;
import io.dockhand.api.Claim;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.web.ClusterToken;

/**
 * The agent's work for the control plane, started beside its web server: it names its node, heartbeats, settles
 * what an earlier agent left, then claims runs for its node up to {@code agent.slots} at a time and carries each
 * out. Nothing here touches readiness: with the store down the agent keeps serving its containers and tries
 * again every heartbeat. Closing stops the loops and leaves running containers to the next agent's settlement.
 */
public final class NodeWork implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NodeWork.class.getName());

    private final WorkSettings settings;
    private final Engine engine;
    private final TaskDriver driver;
    private final WorkClient store;
    private final String agentVersion;
    private final String cluster;
    private volatile DeploySettings deploySettings = DeploySettings.DEFAULTS;
    private volatile EngineWatch watch;
    private final Thread main;
    private volatile WorkContext work;
    private volatile Thread heartbeats;
    private volatile Thread managedClaims;
    private volatile boolean closed;
    private java.time.Instant lastRefusalLog = java.time.Instant.EPOCH;

    private NodeWork(WorkSettings settings, URI storeUri, ClusterToken token, Engine engine, TaskDriver driver,
                     String agentVersion) {
        this.settings = settings;
        this.engine = engine;
        this.driver = driver;
        this.agentVersion = agentVersion;
        this.cluster = clusterOf(token);
        this.store = new WorkClient(storeUri, token, Duration.ofSeconds(10));
        this.main = Thread.ofPlatform().name("dockhand-work").daemon().unstarted(this::work);
    }

    /** Starts working for the store at {@code store} with this engine and driver (which the caller closes). */
    public static NodeWork start(WorkSettings settings, URI store, ClusterToken token, Engine engine,
                                 TaskDriver driver, String agentVersion) {
        NodeWork work = new NodeWork(settings, store, token, engine, driver, agentVersion);
        work.main.start();
        return work;
    }

    /**
     * Starts working, with these settings for deployments; its heartbeats say what the deployments' containers use,
     * from what {@code watch} (which the caller starts and closes) keeps of the node's running containers.
     */
    public static NodeWork start(WorkSettings settings, DeploySettings deploySettings, URI store, ClusterToken token,
                                 Engine engine, TaskDriver driver, String agentVersion, EngineWatch watch) {
        NodeWork work = new NodeWork(settings, store, token, engine, driver, agentVersion);
        work.deploySettings = deploySettings;
        work.watch = watch;
        work.main.start();
        return work;
    }

    /**
     * The value of the {@code io.dockhand.cluster} label on everything this cluster's agents create: the first 16
     * hex digits of the SHA-256 of the cluster token, or {@code none} without a token. Agents of two clusters
     * sharing one engine never touch each other's containers and images.
     */
    public static String clusterOf(ClusterToken token) {
        return token.value().map(value -> {
            try {
                byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(hash).substring(0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }).orElse("none");
    }

    /** The node's id once the agent has named it. */
    public Optional<String> node() {
        WorkContext w = work;
        return w == null ? Optional.empty() : Optional.of(w.node());
    }

    private void work() {
        String node = nodeId();
        if (node == null) {
            return;
        }
        WorkContext w = new WorkContext(node, store, driver, settings,
                new ImageRetention(driver, settings.imagesKeep(), settings.imagesMaxIdle()),
                new GitCheckouts(settings.gitCache(), settings.gitKeep(), settings.gitTimeout()));
        work = w;
        if (closed) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "Working as node " + node + " for " + settings + " (slots "
                + settings.slots() + ")");
        w.deploySettings(deploySettings);
        heartbeats = Thread.ofVirtual().name("dockhand-heartbeat").start(new Heartbeats(w, engine, agentVersion,
                this::deploymentUses));
        Thread.ofVirtual().name("dockhand-destroyed-images").start(new DestroyedImages(w));
        if (!settle(w)) {
            return;
        }
        w.images().sweep(imagesInUse(w));
        if (settings.enabled()) {
            managedClaims = Thread.ofVirtual().name("dockhand-claim-managed").start(() -> claimManaged(w));
            claim(w);
        }
    }

    /** What the deployments' containers on this node use; null when the agent cannot say. */
    private List<NodeHeartbeat.DeploymentUse> deploymentUses() {
        EngineWatch w = watch;
        return w == null ? null : DeploymentUses.of(w.running(), cluster).orElse(null);
    }

    /** The node's id: {@code agent.node}, else the swarm node id, else the host name; null once closed. */
    private String nodeId() {
        if (settings.node() != null) {
            return settings.node();
        }
        while (!closed) {
            try {
                NodeDescription node = engine.describe();
                return node.swarmNodeId() != null ? node.swarmNodeId() : node.hostname();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot name the node yet (the engine did not answer): "
                        + e.getMessage());
                if (!pause()) {
                    return null;
                }
            }
        }
        return null;
    }

    private boolean settle(WorkContext w) {
        Settlement settlement = new Settlement(w);
        while (!closed) {
            try {
                settlement.settle(job -> Thread.ofVirtual().name("dockhand-run").start(job));
                return true;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot settle the runs left on node " + w.node()
                        + " yet: " + e.getMessage());
                if (!pause()) {
                    return false;
                }
            }
        }
        return false;
    }

    private void claim(WorkContext w) {
        Semaphore slots = new Semaphore(settings.slots());
        while (!closed) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Optional<Claim> claim;
            try {
                claim = store.claim(w.node(), settings.claimWait());
            } catch (RuntimeException e) {
                slots.release();
                if (!closed && e instanceof WorkClient.StoreRefusedException) {
                    // A wrong token or a store without one: the heartbeat says so too; once a minute is enough.
                    if (java.time.Instant.now().isAfter(lastRefusalLog.plusSeconds(60))) {
                        LOG.log(System.Logger.Level.WARNING, "The store refuses to give node " + w.node()
                                + " work: " + e.getMessage());
                        lastRefusalLog = java.time.Instant.now();
                    }
                } else if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "Claiming failed: " + e.getMessage());
                }
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (claim.isEmpty()) {
                slots.release();
                continue;
            }
            if (claim.get().run().deploy() != null) {
                DeployJob deploy = DeployJob.of(w, claim.get().run(), claim.get().leaseSeconds());
                w.deploys().put(deploy.run().id(), deploy);
                boolean slot = deploy.takesSlot();
                if (!slot) {
                    slots.release(); // a serve run is held as long as its deployment lives
                }
                LOG.log(System.Logger.Level.INFO, "Claimed run " + deploy.run().id() + " (" + deploy.run().deploy().op()
                        + " of deployment " + deploy.run().deploy().deployment() + ", attempt "
                        + deploy.run().attempt() + ")");
                Thread.ofVirtual().name("dockhand-deploy").start(() -> {
                    try {
                        deploy.execute();
                    } finally {
                        if (slot) {
                            slots.release();
                        }
                    }
                });
                continue;
            }
            RunJob job = new RunJob(w, claim.get().run(), claim.get().leaseSeconds());
            w.jobs().put(job.run().id(), job);
            LOG.log(System.Logger.Level.INFO, "Claimed run " + job.run().id() + " (attempt " + job.run().attempt()
                    + ")");
            Thread.ofVirtual().name("dockhand-run").start(() -> {
                try {
                    job.execute();
                } finally {
                    slots.release();
                    if (!w.closing()) {
                        w.images().sweepSometimes(imagesInUse(w));
                    }
                }
            });
        }
    }

    /**
     * Claims the runs only a swarm manager carries out (deployments' serve and remove runs) beside the slots: a
     * manager whose slots are all busy with long runs still serves deployments. On a worker the store has none.
     */
    private void claimManaged(WorkContext w) {
        while (!closed) {
            Optional<Claim> claim;
            try {
                claim = store.claim(w.node(), settings.claimWait(), true);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "Claiming managed runs failed: " + e.getMessage());
                }
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (claim.isEmpty()) {
                continue;
            }
            if (claim.get().run().deploy() == null) {
                LOG.log(System.Logger.Level.WARNING, "The store handed run " + claim.get().run().id() + " to a claim of"
                        + " managed runs only; it has no deployment: carried out all the same");
                RunJob job = new RunJob(w, claim.get().run(), claim.get().leaseSeconds());
                w.jobs().put(job.run().id(), job);
                Thread.ofVirtual().name("dockhand-run").start(job::execute);
                continue;
            }
            DeployJob deploy = DeployJob.of(w, claim.get().run(), claim.get().leaseSeconds());
            w.deploys().put(deploy.run().id(), deploy);
            LOG.log(System.Logger.Level.INFO, "Claimed run " + deploy.run().id() + " (" + deploy.run().deploy().op()
                    + " of deployment " + deploy.run().deploy().deployment() + ", attempt " + deploy.run().attempt()
                    + ")");
            Thread.ofVirtual().name("dockhand-deploy").start(deploy::execute);
        }
    }

    /** The images of the runs in hand: each one's as soon as it is built or found, before its container exists. */
    static Set<String> imagesInUse(WorkContext w) {
        return w.jobs().values().stream().map(RunJob::imageId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
    }

    /** Waits a heartbeat; false when closed meanwhile. */
    private boolean pause() {
        try {
            Thread.sleep(settings.heartbeat().toMillis());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        WorkContext w = work;
        if (w != null) {
            w.close();
            w.jobs().values().forEach(RunJob::interrupt);
            w.deploys().values().forEach(DeployJob::interrupt);
        }
        main.interrupt();
        Thread beat = heartbeats;
        if (beat != null) {
            beat.interrupt();
        }
        Thread managed = managedClaims;
        if (managed != null) {
            managed.interrupt();
        }
        try {
            main.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
