package io.dockhand.server.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.api.Paths;
import io.dockhand.api.TaskSubmission;
import io.dockhand.server.runs.Auth;
import io.dockhand.server.runs.RunsService;
import io.dockhand.server.runs.Signals;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The seed's REST facade over queues, kept working: {@code POST /rabbit} creates a queue, {@code POST
 * /rabbit/{queue}} puts a message, {@code GET /rabbit/{queue}} takes one (204 when the queue is empty), with the
 * trailing-slash spellings too. The name and the message come as a JSON body or as a form whose one field holds
 * them. A queue named {@code todo} or {@code PROJECT.todo} (any case) is a task queue: a message put there is a
 * job task (the cluster token is needed, as for any submitted work), run by the agents, and its result goes to
 * {@code done} / {@code PROJECT.done} as well as to the project's Done. Other queues are plain: durable, and a
 * message taken is removed at once (at-most-once, as the original; the jobs API is the at-least-once way).
 */
public final class QueueFacade implements Routes.Resource {
    /** The largest message (and queue-creating body). */
    static final int MAX_MESSAGE = 1024 * 1024;
    private static final Pattern QUEUE = Pattern.compile("[^/\\p{Cntrl}]{1,256}");
    private static final Pattern TASK_QUEUE = Pattern.compile("(?i)(?:(.+)\\.)?todo");

    private final FacadeQueues queues;
    private final JobRepository jobs;
    private final Auth auth;
    private final Signals signals;

    public QueueFacade(FacadeQueues queues, JobRepository jobs, Auth auth, Signals signals) {
        this.queues = queues;
        this.jobs = jobs;
        this.auth = auth;
        this.signals = signals;
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.RABBIT, this::create)
                .post(Paths.RABBIT + "/", this::create)
                .post(Paths.RABBIT_QUEUE, this::put)
                .post(Paths.RABBIT_QUEUE + "/", this::put)
                .get(Paths.RABBIT_QUEUE, this::take)
                .get(Paths.RABBIT_QUEUE + "/", this::take);
    }

    private static String queue(String name) {
        if (name == null || !QUEUE.matcher(name).matches()) {
            throw ProblemException.badRequest("invalid-queue", "A queue name is 1 to 256 characters, without '/'"
                    + " or control characters.");
        }
        return name;
    }

    private void create(ServerRequest req, ServerResponse res) {
        String name = queue(new String(single(req, true), StandardCharsets.UTF_8).strip());
        boolean created = TASK_QUEUE.matcher(name).matches() ? false : queues.create(name);
        RunsService.sendJson(res, created ? 201 : 200, RunsService.json(Map.of("queue", name, "created", created,
                "taskQueue", TASK_QUEUE.matcher(name).matches())));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = queue(req.path().pathParameters().get("queue"));
        Matcher task = TASK_QUEUE.matcher(name);
        if (task.matches()) {
            if (!auth.admits(req, res)) {
                return;
            }
            putTask(req, res, task.group(1));
            return;
        }
        byte[] message = single(req, false);
        if (!queues.put(name, message)) {
            throw queueNotFound(name);
        }
        RunsService.sendJson(res, 201, RunsService.json(Map.of("queue", name, "bytes", message.length)));
    }

    /** A message on a task queue: a job task of {@code prefix}'s project (or of the one the message names). */
    private void putTask(ServerRequest req, ServerResponse res, String prefix) {
        byte[] message = single(req, false);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(message);
        } catch (JacksonException e) {
            throw ProblemException.badRequest("malformed-json", "A message on a task queue is a task, a JSON"
                    + " object: " + Json.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String doneQueue = prefix == null ? "done" : prefix + ".done";
        Map.Entry<String, NewTask> parsed;
        try {
            parsed = TaskParser.parse(node, prefix, doneQueue);
        } catch (TaskParser.BadTask e) {
            throw new ProblemException(422, "invalid-task", "Invalid task", e.getMessage() + ".");
        }
        queues.create(doneQueue);
        TaskSubmission submitted = jobs.submit(parsed.getKey(), java.util.List.of(parsed.getValue()));
        if (submitted.created() > 0) {
            signals.workQueued();
        }
        RunsService.sendJson(res, 201, RunsService.json(Map.of("queue", req.path().pathParameters().get("queue"),
                "project", parsed.getKey(), "taskId", parsed.getValue().taskId(), "created",
                submitted.created() > 0, "doneQueue", doneQueue)));
    }

    private void take(ServerRequest req, ServerResponse res) {
        String name = queue(req.path().pathParameters().get("queue"));
        if (TASK_QUEUE.matcher(name).matches()) {
            throw new ProblemException(409, "task-queue", "Task queue", "'" + name + "' is a task queue: the"
                    + " nodes' agents take its tasks. Read the results from its done queue, or from GET "
                    + Paths.JOB_RESULTS + ".");
        }
        FacadeQueues.Taken taken = queues.take(name);
        if (!taken.exists()) {
            throw queueNotFound(name);
        }
        if (taken.message() == null) {
            res.status(Status.NO_CONTENT_204);
            res.send();
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, isJson(taken.message()) ? "application/json"
                : "text/plain; charset=utf-8");
        res.send(taken.message());
    }

    private static boolean isJson(byte[] bytes) {
        try {
            Json.MAPPER.readTree(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ProblemException queueNotFound(String name) {
        return new ProblemException(404, "queue-not-found", "Queue not found", "No queue '"
                + RunsService.printable(name) + "': create it with POST " + Paths.RABBIT + ".");
    }

    /**
     * What the body holds: a form's one field's value; for a JSON body, the message as sent, or (for a queue's
     * name) a JSON string or an object of one string field.
     */
    private static byte[] single(ServerRequest req, boolean name) {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_MESSAGE + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_MESSAGE) {
            throw new ProblemException(413, "payload-too-large", "Payload too large", "A message is at most "
                    + MAX_MESSAGE + " bytes.");
        }
        Optional<HttpMediaType> media = req.headers().contentType();
        String type = media.map(m -> m.mediaType().text().toLowerCase(Locale.ROOT)).orElse("");
        if (type.equals("application/x-www-form-urlencoded")) {
            return formField(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        if (body.length == 0) {
            throw ProblemException.badRequest("empty-body", name ? "The body names the queue: {\"queue\": \"name\"}"
                    + " or a form field queue=name." : "The body is the message: JSON, or a form of one field.");
        }
        if (!name) {
            return body;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isTextual()) {
                return node.asText().getBytes(StandardCharsets.UTF_8);
            }
            if (node != null && node.isObject() && node.size() == 1 && node.elements().next().isTextual()) {
                return node.elements().next().asText().getBytes(StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            if (type.isEmpty() || type.startsWith("text/")) {
                return body; // the bare name
            }
        }
        throw ProblemException.badRequest("invalid-queue", "The body names the queue: {\"queue\": \"name\"} or a"
                + " form field queue=name.");
    }

    private static String formField(String form) {
        String[] fields = form.split("&");
        String value = null;
        int count = 0;
        for (String field : fields) {
            if (field.isEmpty()) {
                continue;
            }
            count++;
            int eq = field.indexOf('=');
            try {
                value = URLDecoder.decode(eq < 0 ? "" : field.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid-form", "The form is not URL-encoded: " + e.getMessage());
            }
        }
        if (count != 1 || value == null || value.isEmpty()) {
            throw ProblemException.badRequest("invalid-form", "The form has exactly one field, whose value is the"
                    + " queue's name or the message; it had " + count + ".");
        }
        return value;
    }
}
