package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.dockhand.api.Claim;
import io.dockhand.api.Durations;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.LogAppend;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Paths;
import io.dockhand.api.Problem;
import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.web.ClusterToken;
import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The agent's side of the work protocol: heartbeats, claims, contexts, reports and log appends, each one request
 * with the cluster token. A failure to reach the store (or a store that answers 5xx) is a {@link StoreDownException}
 * the caller may retry; a 409 about the lease is a {@link LeaseLostException}; any other refusal is a
 * {@link StoreRefusedException}.
 */
public final class WorkClient {

    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    private final URI store;
    private final ClusterToken token;
    private final Duration timeout;
    private final HttpClient http;

    /** @param timeout how long one request may take (a claim takes its wait on top) */
    public WorkClient(URI store, ClusterToken token, Duration timeout) {
        this.store = store;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    /** {@code PUT /api/v1/nodes/{id}}: registers the node, extends the leases it names. */
    public HeartbeatAnswer heartbeat(String node, NodeHeartbeat heartbeat) {
        return heartbeat(node, heartbeat, timeout);
    }

    /**
     * {@code PUT /api/v1/nodes/{id}} with its own deadline: a heartbeat must fail fast when its connection went to a
     * replica that died (a kept-alive connection through the gateway to a killed container hangs instead of
     * failing), so the next one, on a new connection, still reaches a live replica before the leases expire.
     */
    public HeartbeatAnswer heartbeat(String node, NodeHeartbeat heartbeat, Duration deadline) {
        return read(send(request(Paths.NODE.replace("{id}", node), deadline).PUT(body(heartbeat))),
                    HeartbeatAnswer.class);
    }

    /** {@code POST /api/v1/nodes/{id}/claim}: the next run queued for the node, or empty after {@code wait}. */
    public Optional<Claim> claim(String node, Duration wait) {
        return claim(node, wait, false);
    }

    /**
     * {@code POST /api/v1/nodes/{id}/claim}, with {@code managedOnly} only the runs a swarm manager carries out
     * ({@code ?only=managed}: deployments' serve and remove runs), which hold no slot.
     */
    public Optional<Claim> claim(String node, Duration wait, boolean managedOnly) {
        String path = Paths.NODE_CLAIM.replace("{id}", node) + "?wait=" + Durations.format(wait)
                + (managedOnly ? "&only=managed" : "");
        HttpResponse<byte[]> answer = send(request(path, timeout.plus(wait))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (answer.statusCode() == 204) {
            return Optional.empty();
        }
        return Optional.of(read(answer, Claim.class));
    }

    /**
     * {@code GET /api/v1/runs/{id}/context}: the build context as a stream, which the caller closes. The stream
     * is read as the build goes; nothing holds it whole.
     */
    public InputStream context(String runId, String node, int attempt) {
        String path = Paths.RUN_CONTEXT.replace("{id}", runId) + "?node=" + encode(node) + "&attempt=" + attempt;
        HttpRequest request = request(path, Duration.ofHours(1)).header("Accept", "application/x-tar").GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new StoreDownException(store + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreDownException("interrupted", e);
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            body = new byte[0];
        }
        throw refusal(response.statusCode(), body);
    }

    /** {@code POST /api/v1/runs/{id}/reports}: the run as the store has it after the report. */
    public Run report(String runId, RunReport report) {
        return read(send(request(Paths.RUN_REPORTS.replace("{id}", runId), timeout).POST(body(report))), Run.class);
    }

    /** {@code POST /api/v1/runs/{id}/logs}: appends chunks (a chunk sent twice is stored once). */
    public void appendLogs(String runId, LogAppend append) {
        HttpResponse<byte[]> answer = send(request(Paths.RUN_LOGS.replace("{id}", runId), timeout)
                .POST(body(append)));
        if (answer.statusCode() / 100 != 2) {
            throw refusal(answer.statusCode(), answer.body());
        }
    }

    /**
     * {@code POST /api/v1/deployments/{name}/observations}: what swarm says of a deployment's service, from the
     * agent holding its serve run; false when the store answers that the run no longer serves it (409
     * {@code not-current}).
     */
    public boolean observe(String deployment, io.dockhand.api.ServiceObservation observation) {
        HttpResponse<byte[]> answer = send(request(Paths.DEPLOYMENT_OBSERVATIONS.replace("{name}", encode(deployment)),
                                                   timeout).POST(body(observation)));
        if (answer.statusCode() == 409 || answer.statusCode() == 404) {
            return false;
        }
        if (answer.statusCode() / 100 != 2) {
            throw refusal(answer.statusCode(), answer.body());
        }
        return true;
    }

    /** {@code GET /api/v1/deployments}: the names of the deployments in the given status. */
    public java.util.List<String> deployments(io.dockhand.api.DeploymentStatus status) {
        HttpResponse<byte[]> answer = send(request(Paths.DEPLOYMENTS, timeout).GET());
        if (answer.statusCode() / 100 != 2) {
            throw refusal(answer.statusCode(), answer.body());
        }
        try {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (var item : JSON.readTree(answer.body()).path("items")) {
                if (status.wire().equals(item.path("status").asText())) {
                    names.add(item.path("name").asText());
                }
            }
            return names;
        } catch (IOException e) {
            throw new StoreRefusedException(answer.statusCode(), "unreadable answer", "the deployments: "
                    + e.getMessage());
        }
    }

    /** {@code GET /api/v1/runs/{id}}: the run, or empty when the store does not know it. */
    public Optional<Run> run(String runId) {
        HttpResponse<byte[]> answer = send(request(Paths.RUN.replace("{id}", runId), timeout).GET());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(read(answer, Run.class));
    }

    /**
     * How much of a run's container output the store holds: its lines on stdout and on stderr, counted page by
     * page from {@code GET /api/v1/runs/{id}/logs?format=json&offset=N} as it streams (never held whole).
     */
    LogCount logCount(String runId) {
        LogCount total = new LogCount(0, 0, 0, 0);
        while (true) {
            LogCount page = logPage(runId, total.nextOffset());
            if (page.chunks() == 0 || page.nextOffset() <= total.nextOffset()) {
                return total;
            }
            total = new LogCount(total.stdout() + page.stdout(), total.stderr() + page.stderr(),
                                 total.chunks() + page.chunks(), page.nextOffset());
        }
    }

    private LogCount logPage(String runId, long offset) {
        HttpRequest request = request(Paths.RUN_LOGS.replace("{id}", runId) + "?format=json&offset=" + offset,
                                      Duration.ofMinutes(1)).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw refusal(response.statusCode(), in.readNBytes(64 * 1024));
                }
                return LogCount.read(JSON.getFactory().createParser(in));
            }
        } catch (IOException e) {
            throw new StoreDownException(store + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreDownException("interrupted", e);
        }
    }

    private HttpRequest.Builder request(String path, Duration requestTimeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(store.resolve(path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        token.value().ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return request;
    }

    private static HttpRequest.BodyPublisher body(Object value) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        HttpRequest built = request.header("Content-Type", "application/json").build();
        try {
            HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length > MAX_ANSWER) {
                throw new StoreDownException("the store's answer was larger than " + MAX_ANSWER + " bytes", null);
            }
            return response;
        } catch (IOException e) {
            throw new StoreDownException(store + " did not answer " + built.method() + " " + built.uri().getPath()
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreDownException("interrupted", e);
        }
    }

    private <T> T read(HttpResponse<byte[]> answer, Class<T> type) {
        if (answer.statusCode() / 100 != 2) {
            throw refusal(answer.statusCode(), answer.body());
        }
        try {
            return JSON.readValue(answer.body(), type);
        } catch (IOException e) {
            throw new StoreRefusedException(answer.statusCode(), "unreadable answer",
                    "the store's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private RuntimeException refusal(int status, byte[] body) {
        Problem problem = null;
        try {
            problem = JSON.readValue(body, Problem.class);
        } catch (IOException | RuntimeException e) {
            // not a problem document
        }
        String slug = problem == null || problem.slug() == null ? "" : problem.slug();
        String detail = problem == null || problem.detail() == null
                ? new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8) : problem.detail();
        if (status == 409 && (slug.equals("lease-lost") || slug.equals("run-finished"))) {
            return new LeaseLostException(slug, detail);
        }
        if (status >= 500 || status == 429 || status == 408) {
            return new StoreDownException("the store answered " + status + " " + slug + ": " + detail, null);
        }
        return new StoreRefusedException(status, slug, detail);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The store did not answer, or answered that it cannot now: the caller may try again. */
    public static final class StoreDownException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreDownException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The store says the caller no longer holds the run ({@code lease-lost}) or the run is over ({@code run-finished}). */
    public static final class LeaseLostException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String slug;

        LeaseLostException(String slug, String detail) {
            super(slug + ": " + detail);
            this.slug = slug;
        }

        /** {@code lease-lost} or {@code run-finished}. */
        public String slug() {
            return slug;
        }
    }

    /** The store refused the request for good (a bad request, a wrong token): trying again will not help. */
    public static final class StoreRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        StoreRefusedException(int status, String slug, String detail) {
            super(status + " " + slug + ": " + detail);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
