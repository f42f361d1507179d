package io.dockhand.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dockhand.server.StoreServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real store in this JVM with a cluster token, for the commands of runs: the client is run against it, and where
 * a run must move the test plays a node's {@link Agent} through the work protocol (heartbeats naming its leases,
 * claim, context download, reports, log appends), as the real agent does.
 */
final class RunStore implements AutoCloseable {
    static final String TOKEN = "runs-test-token";
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final StoreServer store;
    private final Path home;

    private RunStore(StoreServer store, Path home) {
        this.store = store;
        this.home = home;
    }

    /** The store with its database under {@code dir}, the token set, and {@code more} settings. */
    static RunStore start(Path dir, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("store.token", TOKEN);
        return new RunStore(Stores.start(dir.resolve("store"), "127.0.0.1", settings), dir);
    }

    String base() {
        return "http://127.0.0.1:" + store.port();
    }

    /** An authorised request that must succeed; its JSON answer, or {@code null} when empty. */
    JsonNode send(String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> answer = exchange(method, path, json);
        assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isLessThan(300);
        return answer.body().isEmpty() ? null : MAPPER.readTree(answer.body());
    }

    HttpResponse<String> exchange(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The run as the store has it. */
    JsonNode run(String id) throws IOException, InterruptedException {
        return send("GET", "/api/v1/runs/" + id, null);
    }

    /** The ids of the queued runs. */
    List<String> queued() throws IOException {
        return MAPPER.readTree(client("runs", "--json", "--state", "queued", "--limit", "1000").out()).get("items")
                .findValuesAsText("id");
    }

    /** Registers {@code node} (up, 4 CPUs, 8 GiB) by one heartbeat holding no lease. */
    void heartbeat(String node) throws IOException, InterruptedException {
        heartbeat(node, "[]");
    }

    private void heartbeat(String node, String leases) throws IOException, InterruptedException {
        send("PUT", "/api/v1/nodes/" + node, """
                {"hostname":"host-a","role":"worker","address":"10.0.0.7","cpus":4,"memoryBytes":8589934592,
                 "engineVersion":"28.0.1","agentVersion":"0.1.0","labels":{},"containersRunning":2,"leases":%s}"""
                .formatted(leases));
    }

    /** The client's environment: this store and its token. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", base());
        env.put("DOCKHAND_TOKEN", TOKEN);
        return env;
    }

    Cli.Result client(String... args) {
        return client(env(), args);
    }

    Cli.Result client(Map<String, String> env, String... args) {
        return Cli.run(Cli.session(env, "", home), args);
    }

    /** {@code dockhand run --detach ARGS}, which must succeed; the run's id. */
    String detach(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "run";
        all[1] = "--detach";
        System.arraycopy(args, 0, all, 2, args.length);
        Cli.Result run = client(all);
        assertThat(run.code()).as(run.err()).isZero();
        return run.out().strip();
    }

    /**
     * A node of the caller's own, so that the runs it claims are its own, registered and heartbeating every 300 ms
     * with the leases it holds (the real agent's way of keeping them) until {@link #close() closed}.
     */
    Agent agent() throws IOException, InterruptedException {
        Agent agent = new Agent("node-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        heartbeat(agent.node);
        agent.beating.start();
        return agent;
    }

    @Override
    public void close() {
        store.close();
    }

    /** A node's agent, played by the test. */
    final class Agent implements AutoCloseable {
        final String node;
        private final Set<String> leases = ConcurrentHashMap.newKeySet();
        private final Thread beating;

        private Agent(String node) {
            this.node = node;
            this.beating = Thread.ofVirtual().unstarted(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(300);
                        heartbeat(node, "[" + String.join(",", leases) + "]");
                    }
                } catch (InterruptedException e) {
                    // closed
                } catch (IOException | AssertionError e) {
                    // the store stopped
                }
            });
        }

        /** Claims the next run queued for this node; the run. */
        JsonNode claim() throws IOException, InterruptedException {
            JsonNode claim = send("POST", "/api/v1/nodes/" + node + "/claim?wait=10s", null);
            assertThat(claim).as("a run to claim").isNotNull();
            JsonNode run = claim.get("run");
            leases.add("{\"runId\":\"" + run.get("id").asText() + "\",\"attempt\":" + run.get("attempt").asInt()
                    + "}");
            return run;
        }

        /** The build context of a claimed run, as the store hands it to the agent. */
        byte[] context(JsonNode run) throws IOException, InterruptedException {
            HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/runs/"
                    + run.get("id").asText() + "/context?node=" + node + "&attempt=" + run.get("attempt").asInt()))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(answer.statusCode()).isEqualTo(200);
            return answer.body();
        }

        /** Reports {@code state} (with {@code extra} JSON fields, or none). */
        void report(JsonNode run, String state, String extra) throws IOException, InterruptedException {
            send("POST", "/api/v1/runs/" + run.get("id").asText() + "/reports", "{\"node\":\"" + node
                    + "\",\"attempt\":" + run.get("attempt").asInt() + ",\"state\":\"" + state + "\""
                    + (extra == null ? "" : "," + extra) + "}");
        }

        /** Appends one chunk of output to the run's log. */
        void append(JsonNode run, long seq, String stream, String text) throws IOException, InterruptedException {
            send("POST", "/api/v1/runs/" + run.get("id").asText() + "/logs", "{\"node\":\"" + node
                    + "\",\"attempt\":" + run.get("attempt").asInt() + ",\"chunks\":[{\"seq\":" + seq
                    + ",\"stream\":\"" + stream + "\",\"text\":" + MAPPER.writeValueAsString(text) + "}]}");
        }

        /** Stops heartbeating, as a killed agent does: the runs it holds are lost at lease expiry. */
        @Override
        public void close() {
            beating.interrupt();
        }
    }
}
