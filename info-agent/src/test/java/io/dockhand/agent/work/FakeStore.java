package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.dockhand.api.Claim;
import io.dockhand.api.GitSource;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.LogAppend;
import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;
import io.dockhand.api.TaskRef;
import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Just enough of the store's work endpoints for one agent, with the runs a test queues: heartbeats answered with a
 * 30 s lease, claims handed out from a queue, reports and log batches recorded (each report applied as the store
 * would, without checks), {@code GET /runs/{id}/context} counted (a git run must never ask it) and refused.
 */
final class FakeStore implements AutoCloseable {

    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpServer server;
    private final BlockingQueue<Run> queued = new LinkedBlockingQueue<>();
    /** Runs only a manager carries out (a claim with {@code ?only=managed} takes only these). */
    private final BlockingQueue<Run> managed = new LinkedBlockingQueue<>();
    final Map<String, List<io.dockhand.api.ServiceObservation>> observations = new ConcurrentHashMap<>();
    /** Deployments {@code GET /deployments} lists as destroyed. */
    final List<String> destroyed = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Run> runs = new ConcurrentHashMap<>();
    final Map<String, List<RunReport>> reports = new ConcurrentHashMap<>();
    final Map<String, StringBuffer> logs = new ConcurrentHashMap<>();
    final List<String> contextCalls = Collections.synchronizedList(new ArrayList<>());

    FakeStore() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Queues a deployment's run: a build for any node (from a git source), serve and remove for managers. */
    Run queueDeploy(io.dockhand.api.RunDeploy deploy, String repo, String commit) {
        String id = java.util.UUID.randomUUID().toString();
        boolean build = deploy.op().equals("build");
        Run run = new Run(id, RunState.ASSIGNED, null, false, build ? "git" : "deployment", 0,
                build ? (deploy.dockerfileText() == null ? "Dockerfile" : "Dockerfile.dockhand") : "-", List.of(),
                Map.of(), 0, 0, 0, 1, 1, null, null, null, false, 0, Instant.now(), Instant.now(), null, null, null,
                build ? new GitSource(repo, commit, null) : null, null, deploy);
        runs.put(id, run);
        (build ? queued : managed).add(run);
        return run;
    }

    /** Queues a run of a git source for any node: {@code sh -c LINE} in the checkout's image. */
    Run queue(String repo, String ref, String dockerfile, List<String> command) {
        String id = java.util.UUID.randomUUID().toString();
        Run run = new Run(id, RunState.ASSIGNED, null, false, null, 0, dockerfile, command, Map.of(), 0, 0, 60, 1,
                1, null, null, null, false, 0, Instant.now(), Instant.now(), null, null, null,
                new GitSource(repo, ref, null), new TaskRef("p", id), null);
        runs.put(id, run);
        queued.add(run);
        return run;
    }

    /** The run once a final report came, waiting up to {@code seconds}. */
    Run awaitFinal(String id, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Run run = runs.get(id);
            if (run.state().isFinal()) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + id + " did not end within " + seconds + " s: " + runs.get(id) + "\nlog:\n"
                + logs.get(id));
    }

    String log(String id) {
        StringBuffer log = logs.get(id);
        return log == null ? "" : log.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.split("/"); // "", api, v1, nodes|runs, id, what
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (parts[3].equals("deployments") && parts.length == 6 && parts[5].equals("observations")) {
                observations.computeIfAbsent(parts[4], k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(JSON.readValue(body, io.dockhand.api.ServiceObservation.class));
                exchange.sendResponseHeaders(204, -1);
            } else if (parts[3].equals("deployments") && parts.length == 4) {
                List<Map<String, String>> items = new ArrayList<>();
                synchronized (destroyed) {
                    destroyed.forEach(name -> items.add(Map.of("name", name, "status", "destroyed")));
                }
                answer(exchange, 200, Map.of("items", items));
            } else if (parts[3].equals("nodes") && parts.length == 5) {
                answer(exchange, 200, new HeartbeatAnswer(null, 30, List.of()));
            } else if (parts[3].equals("nodes") && parts[5].equals("claim")) {
                String query = exchange.getRequestURI().getQuery();
                boolean managedOnly = query != null && query.contains("only=managed");
                Run run = (managedOnly ? managed : queued).poll(1, TimeUnit.SECONDS);
                if (run == null) {
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
                Run claimed = with(run, RunState.ASSIGNED, parts[4], null, null, null);
                runs.put(run.id(), claimed);
                answer(exchange, 200, new Claim(claimed, 30));
            } else if (parts[3].equals("runs") && parts.length == 6 && parts[5].equals("reports")) {
                RunReport report = JSON.readValue(body, RunReport.class);
                reports.computeIfAbsent(parts[4], k -> Collections.synchronizedList(new ArrayList<>())).add(report);
                Run run = runs.computeIfPresent(parts[4], (k, r) -> with(r, report.state(), report.node(),
                        report.exitCode(), report.reason(), report.commit()));
                answer(exchange, 200, run);
            } else if (parts[3].equals("runs") && parts.length == 6 && parts[5].equals("logs")) {
                LogAppend append = JSON.readValue(body, LogAppend.class);
                StringBuffer log = logs.computeIfAbsent(parts[4], k -> new StringBuffer());
                append.chunks().forEach(chunk -> log.append(chunk.stream()).append(": ").append(chunk.text()));
                exchange.sendResponseHeaders(204, -1);
            } else if (parts[3].equals("runs") && parts.length == 6 && parts[5].equals("context")) {
                contextCalls.add(parts[4]);
                answer(exchange, 409, Map.of("type", "https://dockhand.io/problems/no-context", "status", 409));
            } else if (parts[3].equals("runs") && parts.length == 5 && runs.containsKey(parts[4])) {
                answer(exchange, 200, runs.get(parts[4]));
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Run with(Run r, RunState state, String node, Integer exitCode, String reason, String commit) {
        GitSource git = commit == null ? r.git() : new GitSource(r.git().repo(), r.git().ref(), commit);
        return new Run(r.id(), state, node, r.pinned(), r.context(), r.contextBytes(), r.dockerfile(), r.command(),
                r.env(), r.cpus(), r.memoryBytes(), r.timeoutSeconds(), r.attempt(), r.maxAttempts(),
                exitCode == null ? r.exitCode() : exitCode, reason == null ? r.reason() : reason, r.imageId(),
                false, 0, r.createdAt(), r.assignedAt(), r.buildingAt(), r.runningAt(),
                state.isFinal() ? Instant.now() : null, git, r.task(), r.deploy());
    }

    private static void answer(HttpExchange exchange, int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
