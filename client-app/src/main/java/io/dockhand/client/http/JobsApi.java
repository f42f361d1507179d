package io.dockhand.client.http;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.dockhand.api.Paths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The store's jobs ({@code /api/v1/jobs}): projects, their tasks and their results, reached through a
 * {@link FailoverClient}. Whatever changes something carries the cluster token.
 */
public final class JobsApi {
    /** The content type of many tasks in one request, one JSON object a line. */
    public static final String JSON_LINES = "application/x-ndjson";

    private final FailoverClient client;

    /** The API over {@code client}. */
    public JobsApi(FailoverClient client) {
        this.client = client;
    }

    /** Submits one task (a JSON object); answers the {@code TaskSubmission}. */
    public JsonNode submit(String project, byte[] task, String token) throws InterruptedException {
        return client.post(path(Paths.JOB_TASKS, project), task, null, auth(token)).json();
    }

    /**
     * Submits tasks as JSON lines written while they are sent (chunked), never held whole. An answer that does not
     * come within {@code idle} (asked as time passes: it may grow with the tasks sent) of the last byte sent is
     * abandoned; nothing is retried once the body may have left.
     *
     * @param sent counts the bytes handed to the connection
     */
    public JsonNode submitLines(String project, String token, StreamedBody.Writer lines, AtomicLong sent,
                                Supplier<Duration> idle) throws IOException, InterruptedException {
        long[] lastChange = {System.nanoTime(), -1};
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token,
                                             "Content-Type", JSON_LINES,
                                             "Accept", "application/json, application/problem+json");
        try (Streams.Opened opened = Streams.open(client, "POST", path(Paths.JOB_TASKS, project), headers,
                                                  () -> new StreamedBody(lines, sent), () -> {
                    long now = System.nanoTime();
                    if (sent.get() != lastChange[1]) {
                        lastChange[1] = sent.get();
                        lastChange[0] = now;
                    }
                    return now - lastChange[0] > idle.get().toNanos();
                })) {
            byte[] body = opened.body().readNBytes(Exchange.MAX_ERROR_BODY + 1);
            if (body.length > Exchange.MAX_ERROR_BODY) {
                throw new Exchange.TooLargeException();
            }
            return new Response(opened.response().statusCode(), body, "POST", opened.url()).json();
        }
    }

    /** Every project's status, as a JSON array. */
    public JsonNode jobs() throws InterruptedException {
        return client.get(Paths.JOBS).json();
    }

    /** One project's status. */
    public JsonNode job(String project) throws InterruptedException {
        return client.get(path(Paths.JOB, project)).json();
    }

    /** Changes a project's settings (fields left out keep their values); answers its status. */
    public JsonNode settings(String project, byte[] settings, String token) throws InterruptedException {
        return client.put(path(Paths.JOB, project), settings, auth(token)).json();
    }

    /** A page of a project's tasks, oldest first, in {@code state} when it is not {@code null}. */
    public JsonNode tasks(String project, int limit, String cursor, String state) throws InterruptedException {
        StringJoiner query = new StringJoiner("&", "?", "");
        query.add("limit=" + limit);
        add(query, "cursor", cursor);
        add(query, "state", state);
        return client.get(path(Paths.JOB_TASKS, project) + query).json();
    }

    /** One task, with every attempt. */
    public JsonNode task(String project, String task) throws InterruptedException {
        return client.get(path(Paths.JOB_TASK, project).replace("{task}", RunsApi.encode(task))).json();
    }

    /**
     * The results after {@code after}, oldest first; the store holds the answer up to {@code wait} for the first
     * one (zero: it answers at once).
     */
    public JsonNode results(String project, long after, int limit, Duration wait) throws InterruptedException {
        String query = "?after=" + after + "&limit=" + limit
                + (wait.isZero() ? "" : "&wait=" + io.dockhand.api.Durations.format(wait));
        return client.poll(path(Paths.JOB_RESULTS, project) + query, wait).json();
    }

    /** Puts the named dead or cancelled tasks (none named: every one) back on ToDo; answers {@code {"retried": n}}. */
    public JsonNode retry(String project, List<String> tasks, String token) throws InterruptedException {
        return client.post(path(Paths.JOB_RETRY, project), named(tasks), null, auth(token)).json();
    }

    /** Cancels the named unfinished tasks (none named: every one); answers {@code {"cancelled": n}}. */
    public JsonNode cancel(String project, List<String> tasks, String token) throws InterruptedException {
        return client.post(path(Paths.JOB_CANCEL, project), named(tasks), null, auth(token)).json();
    }

    private static byte[] named(List<String> tasks) {
        ObjectNode body = Response.MAPPER.createObjectNode();
        if (!tasks.isEmpty()) {
            tasks.forEach(body.putArray("tasks")::add);
        }
        return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, String> auth(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String path(String template, String project) {
        return template.replace("{project}", RunsApi.encode(project));
    }

    private static void add(StringJoiner query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + RunsApi.encode(value));
        }
    }
}
