package io.dockhand.server.nodes;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.Node;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Paths;
import io.dockhand.server.db.Transactions;
import io.dockhand.server.runs.Auth;
import io.dockhand.server.runs.JsonBodies;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The nodes API: agents' heartbeats ({@code PUT /api/v1/nodes/{id}}, cluster token), which register the node and
 * extend the leases of the runs it holds, and the listing of nodes with their status ({@code up}, or {@code down}
 * after {@code store.nodes.downafter} of silence) and swarm's view beside.
 */
public final class NodesService implements Routes.Resource {
    /** A node id. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final long MAX_HEARTBEAT = 1024 * 1024;
    /** At most this many deployments in one heartbeat: their JSON fits the node's {@code deployment_use} column. */
    static final int MAX_DEPLOYMENTS = 1000;
    /** A deployment's name, as {@code DeploymentsService} admits it. */
    private static final Pattern DEPLOYMENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

    private final NodeRepository nodes;
    private final RunRepository runs;
    private final Transactions transactions;
    private final Duration lease;
    private final Auth auth;

    public NodesService(NodeRepository nodes, RunRepository runs, Transactions transactions, Duration lease,
                        Auth auth) {
        this.nodes = nodes;
        this.runs = runs;
        this.transactions = transactions;
        this.lease = lease;
        this.auth = auth;
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.NODES, this::list)
                .get(Paths.NODE, this::one)
                .put(Paths.NODE, this::heartbeat);
    }

    /** The node id in the path, or a 400 {@code invalid-node-id}. */
    public static String nodeId(String id) {
        if (id == null || !NODE_ID.matcher(id).matches()) {
            throw ProblemException.badRequest("invalid-node-id", "A node id is 1 to 128 letters, digits, '_', '.'"
                    + " or '-', starting with a letter or digit.");
        }
        return id;
    }

    /** A 404 {@code node-not-found}. */
    public static ProblemException notFound(String id) {
        return new ProblemException(404, "node-not-found", "Node not found", "No node '" + id + "' has registered.");
    }

    private void heartbeat(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String id = nodeId(req.path().pathParameters().get("id"));
        NodeHeartbeat beat = JsonBodies.read(req, MAX_HEARTBEAT, NodeHeartbeat.class);
        List<NodeHeartbeat.Lease> leases = beat.leases() == null ? List.of() : beat.leases();
        if (leases.size() > 10_000 || (beat.swarmNodes() != null && beat.swarmNodes().size() > 10_000)) {
            throw JsonBodies.invalid("A heartbeat names at most 10000 leases and 10000 swarm nodes.");
        }
        checkDeployments(beat.deployments());
        HeartbeatAnswer answer = transactions.run(c -> {
            nodes.upsert(c, id, beat);
            List<HeartbeatAnswer.Stop> stop = runs.extend(c, id, leases, lease);
            Node node = nodes.find(c, id).orElseThrow();
            return new HeartbeatAnswer(node, lease.toSeconds(), stop);
        });
        io.dockhand.server.runs.RunsService.sendJson(res, 200, io.dockhand.server.runs.RunsService.json(answer));
    }

    /** A heartbeat's deployments' use: at most {@value #MAX_DEPLOYMENTS}, each named once, figures not negative. */
    static void checkDeployments(List<NodeHeartbeat.DeploymentUse> deployments) {
        if (deployments == null) {
            return;
        }
        if (deployments.size() > MAX_DEPLOYMENTS) {
            throw JsonBodies.invalid("A heartbeat reports at most " + MAX_DEPLOYMENTS + " deployments.");
        }
        java.util.Set<String> named = new java.util.HashSet<>();
        for (NodeHeartbeat.DeploymentUse use : deployments) {
            if (use == null || use.name() == null || !DEPLOYMENT.matcher(use.name()).matches()) {
                throw JsonBodies.invalid("Each of deployments needs the name of a deployment (lowercase letters,"
                        + " digits and '-', at most 41).");
            }
            if (!named.add(use.name())) {
                throw JsonBodies.invalid("deployments names '" + use.name() + "' twice.");
            }
            if (use.containers() < 0 || use.memoryBytes() < 0 || !(use.cpuPercent() >= 0)
                    || Double.isInfinite(use.cpuPercent())) {
                throw JsonBodies.invalid("The use of deployment '" + use.name() + "' must be counted in figures of"
                        + " 0 or more.");
            }
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        for (String name : req.query().names()) {
            throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter '"
                    + io.dockhand.server.runs.RunsService.printable(name) + "'; GET /api/v1/nodes takes none.");
        }
        io.dockhand.server.runs.RunsService.sendJson(res, 200, "{\"items\":"
                + io.dockhand.server.runs.RunsService.json(nodes.all()) + ",\"nextCursor\":null}");
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!NODE_ID.matcher(id).matches()) {
            throw notFound(io.dockhand.server.runs.RunsService.printable(id));
        }
        Node node = nodes.find(id).orElseThrow(() -> notFound(id));
        io.dockhand.server.runs.RunsService.sendJson(res, 200, io.dockhand.server.runs.RunsService.json(node));
    }
}
