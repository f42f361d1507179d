package io.dockhand.agent.work;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.NodeDescription;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.NodeHeartbeat;

/**
 * The node's heartbeat: every {@code agent.heartbeat} the agent tells the store what its node is and which runs it
 * holds, which extends their leases, and acts on the runs the store says to stop. A heartbeat the store does not
 * answer is simply the next one's business; the leases then run out at the store as they should.
 * <p>
 * What the node is comes from the engine, which may be slow or away: a thread of its own asks it every
 * {@link #DESCRIBE_EVERY} (each call bounded by the engine's deadline, {@code agent.engine.timeout}) and the
 * heartbeats send the last description it got. A slow or failing engine call never holds a heartbeat back, so it
 * never costs the node the leases of its runs; only the very first heartbeat waits for a description. What the
 * deployments' containers use comes the same way from what the engine watch already keeps ({@link DeploymentUses}).
 */
final class Heartbeats implements Runnable {

    private static final System.Logger LOG = System.getLogger(Heartbeats.class.getName());

    /** How often the node's description is read from the engine again. */
    static final Duration DESCRIBE_EVERY = Duration.ofSeconds(10);

    private final WorkContext work;
    private final Engine engine;
    private final String agentVersion;
    private final Supplier<List<NodeHeartbeat.DeploymentUse>> deploymentUses;
    private volatile NodeDescription described;
    private String lastFailure;
    private String lastDescribeFailure;

    /** How soon a heartbeat that failed is sent again. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMillis(500);

    /**
     * How long one heartbeat may take: one and a half intervals, at least a second and at most five. A store that
     * answers needs milliseconds; a heartbeat stuck on a dead replica's connection is given up well within the
     * lease (10 s by default), so the beat after it still keeps the runs.
     */
    static Duration deadline(Duration interval) {
        long millis = interval.toMillis() * 3 / 2;
        return Duration.ofMillis(Math.max(1000, Math.min(5000, millis)));
    }

    /**
     * @param deploymentUses what the deployments' containers on the node use, from what the agent already keeps (it
     *                       must not ask the engine); null when it cannot say
     */
    Heartbeats(WorkContext work, Engine engine, String agentVersion,
               Supplier<List<NodeHeartbeat.DeploymentUse>> deploymentUses) {
        this.work = work;
        this.engine = engine;
        this.agentVersion = agentVersion;
        this.deploymentUses = deploymentUses;
    }

    @Override
    public void run() {
        Thread describer = Thread.ofVirtual().name("dockhand-describe").start(this::describeEvery);
        try {
            while (!work.closing()) {
                try {
                    beat();
                    if (lastFailure != null) {
                        LOG.log(System.Logger.Level.INFO, "Heartbeats of node " + work.node() + " are answered again");
                        lastFailure = null;
                    }
                } catch (RuntimeException e) {
                    // Said once per kind of failure, not every two seconds while the store is away.
                    String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (!failure.equals(lastFailure)) {
                        LOG.log(System.Logger.Level.WARNING, "Heartbeat of node " + work.node() + " failed: " + failure);
                        lastFailure = failure;
                    }
                }
                try {
                    // After a failure the next beat goes soon, on a new connection: one lost beat must not cost
                    // a whole interval of the lease.
                    Thread.sleep(lastFailure == null ? work.settings().heartbeat().toMillis()
                                         : Math.min(RETRY_AFTER_FAILURE.toMillis(), work.settings().heartbeat().toMillis()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            describer.interrupt();
        }
    }

    /** Reads the node's description again every {@link #DESCRIBE_EVERY}, until the agent closes. */
    private void describeEvery() {
        while (!work.closing()) {
            try {
                Thread.sleep(DESCRIBE_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                describe();
                if (lastDescribeFailure != null) {
                    LOG.log(System.Logger.Level.INFO, "The engine of node " + work.node() + " describes it again");
                    lastDescribeFailure = null;
                }
            } catch (RuntimeException e) {
                String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!failure.equals(lastDescribeFailure)) {
                    LOG.log(System.Logger.Level.WARNING, "Could not describe node " + work.node()
                            + " (heartbeats carry on with what the engine said last): " + failure);
                    lastDescribeFailure = failure;
                }
            }
        }
    }

    private NodeDescription describe() {
        NodeDescription node = engine.describe();
        described = node;
        return node;
    }

    /** One heartbeat, answered. */
    void beat() {
        NodeDescription node = described;
        if (node == null) {
            // The first heartbeat: nothing to say of the node yet (no run is held before the engine answered).
            node = describe();
        }
        List<RunJob> held = List.copyOf(work.jobs().values());
        List<DeployJob> deploys = List.copyOf(work.deploys().values());
        List<NodeHeartbeat.Lease> leases = new java.util.ArrayList<>(held.stream().map(RunJob::lease).toList());
        deploys.forEach(job -> leases.add(job.lease()));
        String address = work.settings().address() != null ? work.settings().address()
                : node.swarmAddress() != null ? node.swarmAddress() : hostAddress();
        NodeHeartbeat heartbeat = new NodeHeartbeat(node.hostname(), node.swarmNodeId(), node.role(), address,
                node.cpus(), node.memoryBytes(), node.engineVersion(), agentVersion, node.labels(),
                node.containersRunning(), leases, node.swarmNodes(), deploymentUses.get());
        Instant sent = Instant.now();
        HeartbeatAnswer answer = work.store().heartbeat(work.node(), heartbeat, deadline(work.settings().heartbeat()));
        for (RunJob job : held) {
            job.extend(sent, answer.leaseSeconds());
        }
        for (DeployJob job : deploys) {
            job.extend(sent, answer.leaseSeconds());
        }
        if (answer.stop() != null) {
            for (HeartbeatAnswer.Stop stop : answer.stop()) {
                RunJob job = work.jobs().get(stop.runId());
                if (job != null && job.run().attempt() == stop.attempt()) {
                    job.stop(stop.why());
                }
                DeployJob deploy = work.deploys().get(stop.runId());
                if (deploy != null && deploy.run().attempt() == stop.attempt()) {
                    deploy.stop(stop.why());
                }
            }
        }
    }

    /** The host's first non-loopback IPv4 address (the agent runs on the host network), else its name's. */
    static String hostAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual() || nic.getName().startsWith("docker")
                        || nic.getName().startsWith("br-") || nic.getName().startsWith("veth")) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (SocketException | java.net.UnknownHostException e) {
            return null;
        }
    }
}
