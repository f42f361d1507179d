package io.dockhand.server.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.dockhand.api.Durations;
import io.dockhand.api.JobSettings;
import io.dockhand.api.JobTask;
import io.dockhand.api.Page;
import io.dockhand.api.Paths;
import io.dockhand.api.TaskResults;
import io.dockhand.api.TaskState;
import io.dockhand.server.runs.Auth;
import io.dockhand.server.runs.JsonBodies;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.server.runs.RunsService;
import io.dockhand.server.runs.Signals;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The jobs API: submitting tasks (one JSON object, or thousands as JSON lines in one all-or-nothing request),
 * projects' statuses and settings, their tasks, their Done (long-polled), retry and cancel.
 */
public final class JobsService implements Routes.Resource {
    /** The most tasks one request may carry. */
    static final int MAX_TASKS = 100_000;
    /** The longest line (one task) of a JSON-lines body, and the largest single-task body. */
    static final int MAX_LINE = 1024 * 1024;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final long MAX_SMALL_BODY = 4 * 1024 * 1024;

    private final JobRepository jobs;
    private final RunRepository runs;
    private final Auth auth;
    private final Signals signals;

    public JobsService(JobRepository jobs, RunRepository runs, Auth auth, Signals signals) {
        this.jobs = jobs;
        this.runs = runs;
        this.auth = auth;
        this.signals = signals;
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.JOBS, this::list)
                .get(Paths.JOB, this::status)
                .put(Paths.JOB, this::settings)
                .post(Paths.JOB_TASKS, this::submit)
                .get(Paths.JOB_TASKS, this::tasks)
                .get(Paths.JOB_TASK, this::task)
                .get(Paths.JOB_RESULTS, this::results)
                .post(Paths.JOB_RETRY, this::retry)
                .post(Paths.JOB_CANCEL, this::cancel);
    }

    static String project(ServerRequest req) {
        String project = req.path().pathParameters().get("project");
        if (!TaskParser.PROJECT.matcher(project).matches()) {
            throw ProblemException.badRequest("invalid-project", "A project name is 1 to 128 letters, digits, '.',"
                    + " '_' or '-', starting with a letter or digit, not '" + RunsService.printable(project) + "'.");
        }
        return project;
    }

    private static ProblemException projectNotFound(String project) {
        return new ProblemException(404, "project-not-found", "Project not found", "No project '" + project
                + "': submit a task to it, or set its settings, to create it.");
    }

    private void list(ServerRequest req, ServerResponse res) {
        RunsService.onlyKnown(req.query(), Set.of(), "GET " + Paths.JOBS);
        RunsService.sendJson(res, 200, RunsService.json(jobs.statuses()));
    }

    private void status(ServerRequest req, ServerResponse res) {
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "GET " + Paths.JOB);
        RunsService.sendJson(res, 200, RunsService.json(jobs.status(project)
                                                                .orElseThrow(() -> projectNotFound(project))));
    }

    private void settings(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "PUT " + Paths.JOB);
        JsonNode body = object(req);
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        body.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue()));
        for (String name : fields.keySet()) {
            if (!Set.of("concurrency", "maxAttempts", "leaseSeconds", "backoffSeconds", "lease", "backoff")
                    .contains(name)) {
                throw JsonBodies.invalid("Unknown setting '" + RunsService.printable(name) + "'; a project has"
                        + " concurrency, maxAttempts, leaseSeconds (or lease: \"30s\") and backoffSeconds (or backoff).");
            }
        }
        Integer concurrency = whole(fields.get("concurrency"), "concurrency", 0, 10_000);
        Integer attempts = whole(fields.get("maxAttempts"), "maxAttempts", 1, 100);
        Long lease = seconds(fields, "leaseSeconds", "lease", 5, Duration.ofDays(1).toSeconds());
        Long backoff = seconds(fields, "backoffSeconds", "backoff", 0, JobSettings.MAX_BACKOFF_SECONDS);
        RunsService.sendJson(res, 200, RunsService.json(jobs.put(project,
                new JobSettings(concurrency, attempts, lease, backoff))));
    }

    private static Integer whole(JsonNode value, String name, int min, int max) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw JsonBodies.invalid(name + " is a whole number from " + min + " to " + max + ".");
        }
        return value.asInt();
    }

    private static Long seconds(Map<String, JsonNode> fields, String name, String alias, long min, long max) {
        JsonNode value = fields.get(name) != null ? fields.get(name) : fields.get(alias);
        if (value == null || value.isNull()) {
            return null;
        }
        long seconds;
        if (value.isIntegralNumber()) {
            seconds = value.asLong();
        } else if (value.isTextual()) {
            try {
                seconds = Durations.parse(value.asText()).toSeconds();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw JsonBodies.invalid(name + " is whole seconds, or " + alias + " a duration such as 30s.");
            }
        } else {
            throw JsonBodies.invalid(name + " is whole seconds, or " + alias + " a duration such as 30s.");
        }
        if (seconds < min || seconds > max) {
            throw JsonBodies.invalid(name + " is from " + min + " to " + max + " seconds, not " + seconds + ".");
        }
        return seconds;
    }

    // ---- submit ------------------------------------------------------------------------------------------------

    private void submit(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.JOB_TASKS);
        HttpMediaType media = req.headers().contentType().orElseThrow(() -> unsupported("no Content-Type"));
        String subtype = media.mediaType().subtype().toLowerCase(Locale.ROOT);
        boolean lines = subtype.equals("x-ndjson") || subtype.equals("jsonl") || subtype.equals("x-jsonlines")
                || subtype.equals("json-seq");
        if (!"application".equalsIgnoreCase(media.mediaType().type())
                || !(lines || subtype.equals("json") || subtype.endsWith("+json"))) {
            throw unsupported("Content-Type " + media.mediaType().text());
        }
        List<NewTask> tasks = new ArrayList<>();
        try (InputStream in = req.content().inputStream()) {
            if (lines) {
                readLines(in, project, tasks);
            } else {
                byte[] body = in.readNBytes(MAX_LINE + 1);
                if (body.length > MAX_LINE) {
                    throw tooLarge("A task is at most " + MAX_LINE + " bytes; send many as JSON lines"
                                           + " (application/x-ndjson).");
                }
                tasks.add(task(body, project, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tasks.isEmpty()) {
            throw JsonBodies.invalid("The body holds no task.");
        }
        var submitted = jobs.submit(project, tasks);
        if (submitted.created() > 0) {
            signals.workQueued();
        }
        RunsService.sendJson(res, 200, RunsService.json(submitted));
    }

    /** One task per line (blank lines skipped); a bad line refuses the request with its number. */
    private static void readLines(InputStream in, String project, List<NewTask> tasks) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int number = 1;
        int n;
        boolean over = false;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    addLine(line, number++, project, tasks, over);
                    line.reset();
                    over = false;
                } else if (!over) {
                    if (line.size() >= MAX_LINE) {
                        over = true;
                    } else {
                        line.write(b);
                    }
                }
            }
        }
        addLine(line, number, project, tasks, over);
    }

    private static void addLine(ByteArrayOutputStream line, int number, String project, List<NewTask> tasks,
                                boolean over) {
        if (over) {
            throw tooLarge("line " + number + ": a task is at most " + MAX_LINE + " bytes.");
        }
        byte[] bytes = line.toByteArray();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return;
        }
        if (tasks.size() == MAX_TASKS) {
            throw tooLarge("One request carries at most " + MAX_TASKS + " tasks; send the rest in another.");
        }
        try {
            tasks.add(task(bytes, project, null));
        } catch (ProblemException e) {
            throw new ProblemException(e.status(), e.slug(), e.title(), "line " + number + ": " + e.getMessage());
        }
    }

    private static NewTask task(byte[] json, String project, String doneQueue) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw ProblemException.badRequest("malformed-json", "not valid JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (node != null) {
                Json.requireSaneNumbers(node);
            }
            return TaskParser.parse(node, project, doneQueue).getValue();
        } catch (TaskParser.BadTask e) {
            throw new ProblemException(422, "invalid-task", "Invalid task", e.getMessage() + ".");
        }
    }

    private static ProblemException unsupported(String what) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", what
                + ": send one task as application/json or many as JSON lines (application/x-ndjson).");
    }

    private static ProblemException tooLarge(String detail) {
        return new ProblemException(413, "payload-too-large", "Payload too large", detail);
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private void tasks(ServerRequest req, ServerResponse res) {
        String project = project(req);
        Parameters params = req.query();
        RunsService.onlyKnown(params, Set.of("state", "limit", "cursor"), "GET " + Paths.JOB_TASKS);
        int limit = limit(params);
        TaskState state = RunsService.single(params, "state").map(text -> {
            try {
                return TaskState.of(text);
            } catch (IllegalArgumentException e) {
                throw RunsService.invalidParameter("state", RunsService.printable(e.getMessage()));
            }
        }).orElse(null);
        long after = RunsService.single(params, "cursor").map(text -> {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("invalid-cursor", "cursor is the nextCursor of an earlier page.");
            }
        }).orElse(0L);
        if (jobs.status(project).isEmpty()) {
            throw projectNotFound(project);
        }
        Page<JobTask> page = jobs.tasks(project, state, after, limit);
        boolean token = auth.holds(req);
        RunsService.sendJson(res, 200, RunsService.json(new Page<>(page.items().stream()
                .map(t -> visible(t, token)).toList(), page.nextCursor())));
    }

    private void task(ServerRequest req, ServerResponse res) {
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "GET " + Paths.JOB_TASK);
        String id = req.path().pathParameters().get("task");
        JobTask task = jobs.task(project, id).orElseThrow(() -> taskNotFound(project, id));
        RunsService.sendJson(res, 200, RunsService.json(visible(task, auth.holds(req))));
    }

    private static ProblemException taskNotFound(String project, String id) {
        return new ProblemException(404, "task-not-found", "Task not found", "Project '" + project
                + "' has no task '" + RunsService.printable(id) + "'.");
    }

    /** A task as a reader may see it: without the cluster token, env keys with every value hidden. */
    private static JobTask visible(JobTask t, boolean token) {
        if (token || t.env() == null || t.env().isEmpty()) {
            return t;
        }
        Map<String, String> env = new LinkedHashMap<>();
        t.env().keySet().forEach(key -> env.put(key, RunsService.HIDDEN));
        return new JobTask(t.project(), t.taskId(), t.state(), t.repo(), t.ref(), t.dockerfile(), t.command(), env,
                t.timeoutSeconds(), t.attempt(), t.maxAttempts(), t.runId(), t.notBefore(), t.exitCode(), t.reason(),
                t.createdAt(), t.finishedAt(), t.attempts());
    }

    private static int limit(Parameters params) {
        Optional<String> text = RunsService.single(params, "limit");
        if (text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid-limit", "limit must be a whole number from 1 to " + MAX_LIMIT
                    + ", not '" + RunsService.printable(text.get()) + "'.");
        }
        return limit;
    }

    /** Results after {@code after}, waiting up to {@code wait} for the first when there is none yet. */
    private void results(ServerRequest req, ServerResponse res) {
        String project = project(req);
        Parameters params = req.query();
        RunsService.onlyKnown(params, Set.of("after", "limit", "wait"), "GET " + Paths.JOB_RESULTS);
        int limit = limit(params);
        long after = RunsService.single(params, "after").map(text -> {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw RunsService.invalidParameter("after", "the last seq read (0 for the start), not '"
                        + RunsService.printable(text) + "'.");
            }
        }).orElse(0L);
        Duration wait = RunsService.single(params, "wait").map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw RunsService.invalidParameter("wait", "a duration such as 30s (at most 60s).");
            }
        }).orElse(Duration.ZERO);
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw RunsService.invalidParameter("wait", "from 0s to 60s, not " + Durations.format(wait) + ".");
        }
        if (jobs.status(project).isEmpty()) {
            throw projectNotFound(project);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            TaskResults results = jobs.results(project, after, limit);
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (!results.results().isEmpty() || results.finished() || left <= 0 || signals.closed()) {
                RunsService.sendJson(res, 200, RunsService.json(results));
                return;
            }
            // this replica's results wake the wait at once; other replicas' are seen within 200 ms
            signals.awaitResult(Math.min(200, left));
        }
    }

    // ---- retry and cancel --------------------------------------------------------------------------------------

    private List<String> named(ServerRequest req, String project) {
        JsonNode body = req.headers().contentLength().orElse(-1L) == 0 ? null : optionalObject(req);
        List<String> ids = new ArrayList<>();
        if (body != null && body.has("tasks")) {
            JsonNode tasks = body.get("tasks");
            if (!tasks.isArray() || tasks.size() > MAX_TASKS) {
                throw JsonBodies.invalid("tasks is an array of task ids (at most " + MAX_TASKS + ").");
            }
            for (JsonNode id : tasks) {
                if (!id.isTextual() && !id.isIntegralNumber()) {
                    throw JsonBodies.invalid("tasks is an array of task ids (strings).");
                }
                ids.add(id.asText());
            }
        } else if (body != null && body.size() > 0) {
            throw JsonBodies.invalid("The body is {\"tasks\": [\"id\", ...]}, or empty for every task.");
        }
        if (jobs.status(project).isEmpty()) {
            throw projectNotFound(project);
        }
        List<String> unknown = jobs.unknown(project, ids);
        if (!unknown.isEmpty()) {
            throw new ProblemException(404, "task-not-found", "Task not found", "Project '" + project
                    + "' has no task " + RunsService.printable(String.join(", ", unknown.subList(0,
                    Math.min(5, unknown.size())))) + (unknown.size() > 5 ? " (and " + (unknown.size() - 5)
                    + " more)" : "") + "; nothing was changed.");
        }
        return ids;
    }

    private void retry(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.JOB_RETRY);
        long retried = jobs.retry(project, named(req, project));
        if (retried > 0) {
            signals.workQueued();
        }
        RunsService.sendJson(res, 200, "{\"retried\":" + retried + "}");
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String project = project(req);
        RunsService.onlyKnown(req.query(), Set.of(), "POST " + Paths.JOB_CANCEL);
        JobRepository.Cancelled cancelled = jobs.cancel(project, named(req, project));
        for (String run : cancelled.runs()) {
            runs.cancel(run); // its agent stops it; the run's end ends the task, cancelled
        }
        if (cancelled.ended() > 0) {
            signals.resultStored();
        }
        RunsService.sendJson(res, 200, "{\"cancelled\":" + (cancelled.ended() + cancelled.runs().size()) + "}");
    }

    // ---- bodies ------------------------------------------------------------------------------------------------

    private static JsonNode object(ServerRequest req) {
        JsonNode node = optionalObject(req);
        if (node == null) {
            throw JsonBodies.invalid("The body must be a JSON object.");
        }
        return node;
    }

    /** A small JSON object body, or null when there is none. */
    private static JsonNode optionalObject(ServerRequest req) {
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes((int) MAX_SMALL_BODY + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_SMALL_BODY) {
            throw tooLarge("The body is larger than " + MAX_SMALL_BODY + " bytes.");
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        Optional<HttpMediaType> media = req.headers().contentType();
        if (media.isPresent() && !media.get().mediaType().subtype().toLowerCase(Locale.ROOT).contains("json")) {
            throw unsupported("Content-Type " + media.get().mediaType().text());
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ProblemException.badRequest("malformed-json", "The body must be a JSON object.");
            }
            return node;
        } catch (JacksonException e) {
            throw ProblemException.badRequest("malformed-json", "The body is not valid JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
