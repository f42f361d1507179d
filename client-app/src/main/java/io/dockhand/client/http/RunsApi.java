package io.dockhand.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

import io.dockhand.api.Paths;

import com.fasterxml.jackson.databind.JsonNode;

/** The store's runs and nodes ({@code /api/v1/runs}, {@code /api/v1/nodes}), reached through a {@link FailoverClient}. */
public final class RunsApi {
    /** The response header that says where a log answer starts, in bytes. */
    public static final String LOG_OFFSET = "Dockhand-Log-Offset";
    private static final byte[] NO_BODY = new byte[0];

    private final FailoverClient client;

    /** The API over {@code client}. */
    public RunsApi(FailoverClient client) {
        this.client = client;
    }

    /** The client underneath. */
    public FailoverClient client() {
        return client;
    }

    /**
     * Submits a run: the build context streamed as a chunked tar body, the spec in {@code query} (encoded, starting
     * with {@code ?} or empty). A stalled upload, or an answer that does not come within {@code idle} of the last
     * byte sent, is abandoned.
     *
     * @param sent counts the bytes of tar handed to the connection
     * @return the queued run
     */
    public JsonNode submit(String query, String token, StreamedBody.Writer tar, AtomicLong sent, Duration idle)
            throws IOException, InterruptedException {
        long[] lastChange = {System.nanoTime(), -1};
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token,
                                             "Content-Type", "application/x-tar",
                                             "Accept", "application/json, application/problem+json");
        try (Streams.Opened opened = Streams.open(client, "POST", Paths.RUNS + query, headers,
                                                  () -> new StreamedBody(tar, sent), () -> {
                    long now = System.nanoTime();
                    if (sent.get() != lastChange[1]) {
                        lastChange[1] = sent.get();
                        lastChange[0] = now;
                    }
                    return now - lastChange[0] > idle.toNanos();
                })) {
            return new Response(opened.response().statusCode(), bounded(opened.body()), "POST", opened.url()).json();
        }
    }

    /** One run by its id. */
    public JsonNode run(String id) throws InterruptedException {
        return client.get(path(Paths.RUN, id)).json();
    }

    /** A page of runs, newest first. */
    public JsonNode runs(int limit, String cursor, String node, String state) throws InterruptedException {
        StringJoiner query = new StringJoiner("&", "?", "");
        query.add("limit=" + limit);
        add(query, "cursor", cursor);
        add(query, "node", node);
        add(query, "state", state);
        return client.get(Paths.RUNS + query).json();
    }

    /** Asks for a run to be cancelled; answers the run as it is now. */
    public JsonNode cancel(String id, String token) throws InterruptedException {
        return client.post(path(Paths.RUN_CANCEL, id), NO_BODY, null, Map.of("Authorization", "Bearer " + token))
                .json();
    }

    /** Every node, as {@code {"items": [...]}}. */
    public JsonNode nodes() throws InterruptedException {
        return client.get(Paths.NODES).json();
    }

    /** One node. */
    public JsonNode node(String id) throws InterruptedException {
        return client.get(path(Paths.NODE, id)).json();
    }

    /** The path of a run's log from {@code offset}, followed or not. */
    public static String logPath(String id, long offset, boolean follow) {
        return path(Paths.RUN_LOGS, id) + "?offset=" + offset + (follow ? "&follow=true" : "");
    }

    private static String path(String template, String id) {
        return template.replace("{id}", encode(id));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void add(StringJoiner query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + encode(value));
        }
    }

    private static byte[] bounded(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(Exchange.MAX_BODY + 1);
        if (bytes.length > Exchange.MAX_BODY) {
            throw new Exchange.TooLargeException();
        }
        return bytes;
    }
}
