package io.dockhand.server.deployments;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.dockhand.api.DeployRequest;
import io.dockhand.api.Deployment;
import io.dockhand.api.DeploymentStatus;
import io.dockhand.api.Manifest;
import io.dockhand.api.Node;
import io.dockhand.api.Paths;
import io.dockhand.api.ServiceObservation;
import io.dockhand.server.nodes.NodeRepository;
import io.dockhand.server.runs.Auth;
import io.dockhand.server.runs.JsonBodies;
import io.dockhand.server.runs.RunsService;
import io.dockhand.server.runs.Signals;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The deployments API: deploy a repository (validated before anything is built), list and read deployments with
 * their history, their logs (the build's, then the service's output), update, roll back and destroy, and the
 * serve runs' agents' observations of the services.
 */
public final class DeploymentsService implements Routes.Resource {
    /**
     * A deployment's name (it names a swarm service, {@code dh-<name>}, and a registry repository): an app name ({@link ManifestParser#NAME}) that does not end in {@code -gw}, the suffix of
     * the gateway service that publishes a deployment's port here ({@code dh-web}'s is {@code dh-web-gw}, which a
     * deployment named {@code web-gw} would otherwise take).
     */
    static final Pattern NAME = Pattern.compile("(?!.*-gw$)" + ManifestParser.NAME.pattern());
    private static final String NAME_RULE = "1 to 41 lowercase letters, digits or '-', starting with a letter or"
            + " digit and not ending in '-gw' (the suffix of its gateway service)";
    private static final long MAX_BODY = 64 * 1024;
    private static final long MAX_OBSERVATION = 1024 * 1024;

    private final DeploymentRepository deployments;
    private final DeploySources sources;
    private final NodeRepository nodes;
    private final RunsService runs;
    private final Auth auth;
    private final Signals signals;

    public DeploymentsService(DeploymentRepository deployments, DeploySources sources, NodeRepository nodes,
                              RunsService runs, Auth auth, Signals signals) {
        this.deployments = deployments;
        this.sources = sources;
        this.nodes = nodes;
        this.runs = runs;
        this.auth = auth;
        this.signals = signals;
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.DEPLOYMENTS, this::deploy)
                .get(Paths.DEPLOYMENTS, this::list)
                .get(Paths.DEPLOYMENT, this::one)
                .delete(Paths.DEPLOYMENT, this::destroy)
                .get(Paths.DEPLOYMENT_LOGS, this::logs)
                .post(Paths.DEPLOYMENT_UPDATE, this::update)
                .post(Paths.DEPLOYMENT_ROLLBACK, this::rollback)
                .post(Paths.DEPLOYMENT_OBSERVATIONS, this::observe);
    }

    private static String name(ServerRequest req) {
        String name = req.path().pathParameters().get("name");
        // any app name: one deployed before the '-gw' rule can still be read and destroyed
        if (!ManifestParser.NAME.matcher(name).matches()) {
            throw DeploymentRepository.notFound(name);
        }
        return name;
    }

    private static void text(String field, String value, int max) {
        if (value != null && (value.isBlank() || value.length() > max
                || !value.equals(io.dockhand.server.runs.Texts.printable(value, max + 10)))) {
            throw JsonBodies.invalid(field + " must be 1 to " + max + " printable characters.");
        }
    }

    private void deploy(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.DEPLOYMENTS);
        DeployRequest ask = JsonBodies.read(req, MAX_BODY, DeployRequest.class);
        if (ask.repo() == null) {
            throw JsonBodies.invalid("repo is required: the git URL of the app's repository.");
        }
        text("repo", ask.repo(), 2048);
        text("branch", ask.branch(), 256);
        if (ask.name() != null && !NAME.matcher(ask.name()).matches()) {
            throw JsonBodies.invalid("name must be " + NAME_RULE + ", not '" + RunsService.printable(ask.name())
                    + "'.");
        }
        DeploymentRepository.Source source = source(ask.repo(), ask.branch());
        String name = ask.name() != null ? ask.name() : source.manifest().app().name();
        if (!NAME.matcher(name).matches()) {
            throw new ProblemException(422, "manifest-invalid", "Invalid manifest", source.manifest().file()
                    + ": [app] name '" + RunsService.printable(name) + "' cannot name a deployment (" + NAME_RULE
                    + "); deploy with --name.");
        }
        deployments.checkFree(name, source); // refused for its name or port before asking for a node
        Deployment created = deployments.create(name, source, buildNode());
        signals.workQueued();
        res.header(HeaderNames.LOCATION, Paths.DEPLOYMENT.replace("{name}", name));
        RunsService.sendJson(res, 201, RunsService.json(created));
    }

    private DeploymentRepository.Source source(String repo, String branch) {
        DeploySources.Resolved at = sources.resolve(repo, branch);
        Manifest manifest = sources.manifest(repo, at.commit());
        return new DeploymentRepository.Source(repo, at.branch(), at.commit(), manifest, sources.dockerfile(manifest));
    }

    /** The live node with the fewest runs in progress builds it. */
    private String buildNode() {
        return nodes.leastBusy().map(Node::id).orElseThrow(() -> new ProblemException(503, "no-live-node",
                "No live node", "No node's agent is heartbeating: nothing can build the app."));
    }

    private void list(ServerRequest req, ServerResponse res) {
        RunsService.onlyKnown(req.query(), Set.of(), "GET " + Paths.DEPLOYMENTS);
        RunsService.sendJson(res, 200, "{\"items\":" + RunsService.json(deployments.all()) + ",\"nextCursor\":null}");
    }

    private void one(ServerRequest req, ServerResponse res) {
        RunsService.onlyKnown(req.query(), Set.of(), "GET " + Paths.DEPLOYMENT);
        String name = name(req);
        RunsService.sendJson(res, 200, RunsService.json(deployments.one(name)
                .orElseThrow(() -> DeploymentRepository.notFound(name))));
    }

    private void logs(ServerRequest req, ServerResponse res) {
        RunsService.onlyKnown(req.query(), Set.of("follow"), "GET " + Paths.DEPLOYMENT_LOGS);
        String name = name(req);
        boolean follow = RunsService.single(req.query(), "follow").map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw RunsService.invalidParameter("follow", "true or false.");
        }).orElse(false);
        Deployment d = deployments.one(name).orElseThrow(() -> DeploymentRepository.notFound(name));
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        boolean token = auth.holds(req);
        try (OutputStream out = res.outputStream()) {
            if (d.buildRunId() != null) {
                out.write(("[dockhand] the build of revision " + d.revision() + " (" + d.commit() + ")\n")
                                  .getBytes(StandardCharsets.UTF_8));
                runs.writeLog(out, UUID.fromString(d.buildRunId()), follow && d.serveRunId() == null, token);
            }
            Deployment now = deployments.one(name).orElse(d);
            if (now.serveRunId() != null) {
                out.write(("[dockhand] the service dh-" + name + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                runs.writeLog(out, UUID.fromString(now.serveRunId()), follow, token);
            }
        } catch (IOException | UncheckedIOException e) {
            // the reader went away
        }
    }

    private void update(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.DEPLOYMENT_UPDATE);
        String name = name(req);
        drain(req);
        Deployment d = deployments.one(name).orElseThrow(() -> DeploymentRepository.notFound(name));
        if (d.status() == DeploymentStatus.DESTROYED || d.status() == DeploymentStatus.DESTROYING) {
            throw new ProblemException(409, "deployment-destroyed", "Deployment destroyed", "Deployment '" + name
                    + "' is " + d.status().wire() + ".");
        }
        DeploySources.Resolved at = sources.resolve(d.repo(), d.branch());
        if (at.commit().equals(d.commit()) && d.status() != DeploymentStatus.FAILED) {
            RunsService.sendJson(res, 200, RunsService.json(Map.of("updated", false, "detail", "branch " + d.branch()
                    + " is still at " + DeploymentRepository.tag(at.commit()) + ": nothing to update",
                    "deployment", d)));
            return;
        }
        Manifest manifest = sources.manifest(d.repo(), at.commit());
        if (manifest.config().publish() != d.publishedPort()) {
            throw new ProblemException(422, "manifest-invalid", "Invalid manifest", manifest.file() + ": the new"
                    + " commit publishes port " + manifest.config().publish() + ", this deployment "
                    + d.publishedPort() + "; an update keeps the port (destroy and deploy again to change it).");
        }
        Deployment updated = deployments.update(name, new DeploymentRepository.Source(d.repo(), d.branch(),
                at.commit(), manifest, sources.dockerfile(manifest)), buildNode());
        signals.workQueued();
        RunsService.sendJson(res, 202, RunsService.json(Map.of("updated", true, "detail", "building "
                + DeploymentRepository.tag(at.commit()), "deployment", updated)));
    }

    private void rollback(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.DEPLOYMENT_ROLLBACK);
        String name = name(req);
        drain(req);
        Deployment d = deployments.rollback(name);
        signals.workQueued();
        RunsService.sendJson(res, 202, RunsService.json(d));
    }

    private void destroy(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        RunsService.onlyKnown(req.query(), Set.of(), "DELETE " + Paths.DEPLOYMENT);
        String name = name(req);
        Deployment d = deployments.destroy(name);
        signals.workQueued();
        RunsService.sendJson(res, 202, RunsService.json(d));
    }

    private void observe(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String name = name(req);
        ServiceObservation seen = JsonBodies.read(req, MAX_OBSERVATION, ServiceObservation.class);
        if (seen.tasks() != null && seen.tasks().size() > 10_000) {
            throw JsonBodies.invalid("An observation names at most 10000 tasks.");
        }
        if (!deployments.observe(name, seen)) {
            throw new ProblemException(409, "not-current", "Not the current serve run", "Run " + seen.runId()
                    + " no longer serves deployment '" + name + "'.");
        }
        res.status(io.helidon.http.Status.NO_CONTENT_204);
        res.send();
    }

    private static void drain(ServerRequest req) {
        try (InputStream in = req.content().inputStream()) {
            if (in.readNBytes((int) MAX_BODY + 1).length > MAX_BODY) {
                throw new ProblemException(413, "payload-too-large", "Payload too large", "The body is ignored and"
                        + " must be small.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
