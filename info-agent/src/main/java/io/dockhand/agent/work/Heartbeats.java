package io.dockhand.agent.work;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.NodeDescription;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.NodeHeartbeat;

/**
 * The node's heartbeat: every {@code agent.heartbeat} the agent tells the store what its node is and which runs it
 * holds, which extends their leases, and acts on the runs the store says to stop. A heartbeat the store does not
 * answer is simply the next one's business; the leases then run out at the store as they should.
 */
final class Heartbeats implements Runnable {

    private static final System.Logger LOG = System.getLogger(Heartbeats.class.getName());

    private final WorkContext work;
    private final Engine engine;
    private final String agentVersion;
    private volatile boolean answered;

    Heartbeats(WorkContext work, Engine engine, String agentVersion) {
        this.work = work;
        this.engine = engine;
        this.agentVersion = agentVersion;
    }

    @Override
    public void run() {
        while (!work.closing()) {
            try {
                beat();
            } catch (RuntimeException e) {
                if (answered || LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.WARNING, "Heartbeat of node " + work.node() + " failed: "
                            + e.getMessage());
                }
                answered = false;
            }
            try {
                Thread.sleep(work.settings().heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One heartbeat, answered. */
    void beat() {
        NodeDescription node = engine.describe();
        List<RunJob> held = List.copyOf(work.jobs().values());
        String address = work.settings().address() != null ? work.settings().address()
                : node.swarmAddress() != null ? node.swarmAddress() : hostAddress();
        NodeHeartbeat heartbeat = new NodeHeartbeat(node.hostname(), node.swarmNodeId(), node.role(), address,
                node.cpus(), node.memoryBytes(), node.engineVersion(), agentVersion, node.labels(),
                node.containersRunning(), held.stream().map(RunJob::lease).toList(), node.swarmNodes());
        Instant sent = Instant.now();
        HeartbeatAnswer answer = work.store().heartbeat(work.node(), heartbeat);
        answered = true;
        for (RunJob job : held) {
            job.extend(sent, answer.leaseSeconds());
        }
        if (answer.stop() != null) {
            for (HeartbeatAnswer.Stop stop : answer.stop()) {
                RunJob job = work.jobs().get(stop.runId());
                if (job != null && job.run().attempt() == stop.attempt()) {
                    job.stop(stop.why());
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
