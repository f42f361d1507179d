package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;

import io.dockhand.client.http.DeploymentsApi;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.Deployments;
import io.dockhand.client.output.Runs;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Follows a deployment that was just deployed or updated: its build log as it comes (stdout), each new step of its
 * history (stderr), until it runs (its URL on stdout, exit 0) or fails (the step and the reason on stderr, exit 1).
 */
final class DeploymentWatch {
    /** How often the deployment is read while its service starts. */
    static final Duration POLL = Duration.ofMillis(500);
    private static final Set<String> ENDS = Set.of("running", "failed", "rolled-back", "destroying", "destroyed");

    private final DeploymentsApi deployments;
    private final RunsApi runs;
    private final Settings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    private long seen = -1;

    DeploymentWatch(DeploymentsApi deployments, RunsApi runs, Settings settings, PrintWriter out, PrintWriter err) {
        this.deployments = deployments;
        this.runs = runs;
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /** Follows {@code started} (as the deploy or update answered it) to its end: the exit code. */
    int follow(JsonNode started) throws InterruptedException {
        String name = started.path("name").asText();
        steps(started);
        String build = started.path("buildRunId").asText(null);
        if (build != null) {
            RunLog.print(runs, build, true, out, settings.timeout());
        }
        JsonNode now = deployments.deployment(name);
        steps(now);
        while (!ENDS.contains(now.path("status").asText())) {
            Thread.sleep(POLL.toMillis());
            now = deployments.deployment(name);
            steps(now);
        }
        return outcome(now);
    }

    /** Prints the steps of its history not printed yet, one line each on stderr. */
    private void steps(JsonNode deployment) {
        for (JsonNode event : deployment.path("history")) {
            long seq = event.path("seq").asLong();
            if (seq > seen) {
                seen = seq;
                err.println(SafeText.line(deployment.path("name").asText()) + ": "
                        + SafeText.line(event.path("status").asText()) + " - " + SafeText.line(
                        event.path("detail").asText()));
            }
        }
        err.flush();
    }

    private int outcome(JsonNode d) throws InterruptedException {
        String name = SafeText.line(d.path("name").asText());
        String status = d.path("status").asText();
        String step = d.path("failedStep").asText(null);
        String reason = d.hasNonNull("reason") ? SafeText.lines(d.get("reason").asText()) : "no reason given";
        switch (status) {
            case "running" -> {
                if (step != null) {
                    // an update that failed: the store keeps the revision before running
                    err.println(name + ": the update failed at " + SafeText.line(step) + ": " + reason);
                    err.println("(" + name + " still runs " + SafeText.line(d.path("image").asText()) + ")");
                    break;
                }
                out.println(name + " is running: " + url(d));
                out.flush();
                return ExitCodes.OK;
            }
            case "rolled-back" -> {
                if (step == null) {
                    out.println(name + " is running (rolled back): " + url(d));
                    out.flush();
                    return ExitCodes.OK;
                }
                err.println(name + ": the update failed at " + SafeText.line(step) + " and was rolled back to "
                        + SafeText.line(d.path("image").asText()) + ": " + reason);
            }
            case "failed" -> err.println(name + " failed at " + SafeText.line(step == null ? "?" : step) + ": "
                    + reason);
            default -> err.println(name + " is " + SafeText.line(status) + " (destroyed meanwhile)");
        }
        err.flush();
        return ExitCodes.ERROR;
    }

    /** Where it answers: any live node's address, its published port and its endpoint. */
    private String url(JsonNode d) throws InterruptedException {
        String host = null;
        for (JsonNode node : runs.nodes().path("items")) {
            if ("up".equals(node.path("status").asText()) && !node.path("address").asText("").isBlank()) {
                host = node.path("address").asText();
                break;
            }
        }
        if (host == null) {
            host = settings.servers().getFirst().getHost();
        }
        String endpoint = Deployments.endpoint(d);
        if (!endpoint.isEmpty() && !endpoint.startsWith("/")) {
            endpoint = "/" + endpoint;
        }
        return SafeText.line("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + d.path("publishedPort").asInt() + endpoint);
    }

    /** A line about a deployment that was just asked for: what, from where, at which commit. */
    static String started(JsonNode d) {
        String commit = d.path("commit").asText("");
        return SafeText.line(d.path("name").asText() + " revision " + d.path("revision").asInt() + ": "
                + d.path("repo").asText() + " branch " + d.path("branch").asText() + " at "
                + (commit.length() > 12 ? commit.substring(0, 12) : commit) + ", built by run "
                + Runs.shortId(d.path("buildRunId").asText("?")));
    }

    /** {@code name} as the store accepts it, else bad usage. */
    static String name(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw ExitException.usage("'" + name + "' is not a deployment's name (1 to 41 lowercase letters, "
                    + "digits or '-', starting with a letter or digit)");
        }
        return name;
    }
}
