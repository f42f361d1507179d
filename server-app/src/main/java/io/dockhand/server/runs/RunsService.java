package io.dockhand.server.runs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.dockhand.api.Claim;
import io.dockhand.api.Durations;
import io.dockhand.api.LogAppend;
import io.dockhand.api.LogEntry;
import io.dockhand.api.Node;
import io.dockhand.api.Paths;
import io.dockhand.api.Problem;
import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunSpec;
import io.dockhand.api.RunState;
import io.dockhand.api.Sizes;
import io.dockhand.server.StoreSettings;
import io.dockhand.server.blobs.BlobStore;
import io.dockhand.server.nodes.NodeRepository;
import io.dockhand.server.nodes.NodesService;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Problems;
import io.dockhand.web.Routes;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The runs API: submitting a build context (a tar body, the spec in the query), the apvs tool's zip upload, the
 * agents' work protocol (claim, context, reports, log appends) and the users' reads (runs, one run, its log, whole
 * or followed as plain text or Server-Sent Events) and cancel.
 */
public final class RunsService implements Routes.Resource {
    private static final System.Logger LOG = System.getLogger(RunsService.class.getName());
    private static final long MAX_REPORT = 64 * 1024;
    private static final long MAX_APPEND = 4 * 1024 * 1024;
    private static final int MAX_CHUNK_CHARS = 1024 * 1024;
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;
    private static final long MIN_MEMORY = 6L * 1024 * 1024;
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final Set<String> STREAMS = Set.of("build", "stdout", "stderr", "system");
    private static final long KEEP_ALIVE_NANOS = Duration.ofSeconds(15).toNanos();
    private static final int LOG_BATCH = 200;
    private static final long IDLE_NANOS = Duration.ofSeconds(30).toNanos();

    private final RunRepository runs;
    private final NodeRepository nodes;
    private final BlobStore blobs;
    private final StoreSettings.Work settings;
    private final Auth auth;
    private final Signals signals;

    public RunsService(RunRepository runs, NodeRepository nodes, BlobStore blobs, StoreSettings.Work settings,
                       Auth auth, Signals signals) {
        this.runs = runs;
        this.nodes = nodes;
        this.blobs = blobs;
        this.settings = settings;
        this.auth = auth;
        this.signals = signals;
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.RUNS, this::submit)
                .get(Paths.RUNS, this::list)
                .get(Paths.RUN, this::one)
                .post(Paths.RUN_CANCEL, this::cancel)
                .post(Paths.NODE_CLAIM, this::claim)
                .get(Paths.RUN_CONTEXT, this::context)
                .post(Paths.RUN_REPORTS, this::report)
                .post(Paths.RUN_LOGS, this::append)
                .get(Paths.RUN_LOGS, this::logs)
                .post(Paths.LEGACY_UPLOAD, this::legacyUpload);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Text fit for a problem's detail. */
    public static String printable(String text) {
        return Texts.printable(text == null ? "" : text, 100);
    }

    /** The value as JSON text. */
    public static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends JSON text with a status. */
    public static void sendJson(ServerResponse res, int status, String json) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }

    /** What env values read without the cluster token show. */
    public static final String HIDDEN = "******";

    /** The run as a reader may see it: without the cluster token, env keys with every value hidden. */
    public static Run visible(Run run, boolean token) {
        if (token || run.env() == null || run.env().isEmpty()) {
            return run;
        }
        Map<String, String> env = new LinkedHashMap<>();
        run.env().keySet().forEach(key -> env.put(key, HIDDEN));
        return new Run(run.id(), run.state(), run.node(), run.pinned(), run.context(), run.contextBytes(),
                       run.dockerfile(), run.command(), env, run.cpus(), run.memoryBytes(), run.timeoutSeconds(),
                       run.attempt(), run.maxAttempts(), run.exitCode(), run.reason(), run.imageId(),
                       run.cancelRequested(), run.logBytes(), run.createdAt(), run.assignedAt(), run.buildingAt(),
                       run.runningAt(), run.finishedAt(), run.git(), run.task(), run.deploy());
    }

    private static ProblemException runNotFound(String id) {
        return new ProblemException(404, "run-not-found", "Run not found", "No run '" + printable(id) + "'.");
    }

    public static ProblemException invalidParameter(String name, String detail) {
        return ProblemException.badRequest("invalid-parameter", name + ": " + detail);
    }

    private static ProblemException outOfRange(String detail) {
        return new ProblemException(422, "limits-out-of-range", "Unprocessable content", detail);
    }

    public static void onlyKnown(Parameters params, Set<String> known, String route) {
        for (String name : params.names()) {
            if (!known.contains(name)) {
                throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter '" + printable(name)
                        + "'; " + route + " reads " + String.join(", ", new java.util.TreeSet<>(known)) + ".");
            }
        }
    }

    public static Optional<String> single(Parameters params, String name) {
        if (!params.contains(name)) {
            return Optional.empty();
        }
        List<String> values = params.all(name);
        if (values.size() > 1) {
            throw ProblemException.badRequest("repeated-parameter", name + " may be given once.");
        }
        String value = values.isEmpty() ? "" : values.get(0);
        if (value.isEmpty()) {
            throw ProblemException.badRequest("empty-parameter", name + " must not be empty.");
        }
        return Optional.of(value);
    }

    // ---- submit ----------------------------------------------------------------------------------------------

    /** A parsed spec: what the query asked for, before the context is read. */
    private record Spec(String dockerfile, Node node, boolean pinned, double cpus, long memoryBytes,
                        long timeoutSeconds, Map<String, String> env, List<String> command) {
    }

    private void submit(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        Parameters params = req.query();
        onlyKnown(params, Set.copyOf(RunSpec.ALL), "POST " + Paths.RUNS);
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isPresent()) {
            String text = type.get().mediaType().text().toLowerCase(Locale.ROOT);
            if (!Set.of("application/x-tar", "application/octet-stream", "application/tar").contains(text)) {
                throw new ProblemException(415, "unsupported-media-type", "Unsupported media type", "Content-Type "
                        + printable(text) + ": send the build context as application/x-tar.");
            }
        }
        Spec spec = spec(params);
        if (spec == null) {
            noLiveNode(req, res);
            return;
        }
        try (InputStream body = req.content().inputStream()) {
            respondCreated(res, store(body, spec, req.headers().contentLength().orElse(-1L)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void noLiveNode(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.RETRY_AFTER, "5");
        Problems.send(res, Problem.of("no-live-node", "No live node", 503, "No node's agent has sent a heartbeat"
                + " recently, so no node can take the run; try again once an agent is up.", req.path().path()));
    }

    private Spec spec(Parameters params) {
        String dockerfile = ContextIntake.normalise(single(params, RunSpec.DOCKERFILE).orElse("Dockerfile"));
        if (dockerfile.isEmpty() || dockerfile.length() > 1000 || ("/" + dockerfile + "/").contains("/../")
                || dockerfile.chars().anyMatch(Character::isISOControl)) {
            throw invalidParameter(RunSpec.DOCKERFILE, "a relative path inside the context (no '..'), not '"
                    + printable(dockerfile) + "'.");
        }
        Optional<Double> cpus = single(params, RunSpec.CPUS).map(text -> {
            try {
                double value = Double.parseDouble(text);
                if (Double.isNaN(value) || Double.isInfinite(value) || text.length() > 30) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw invalidParameter(RunSpec.CPUS, "a number such as 0.5 or 2, not '" + printable(text) + "'.");
            }
        });
        Optional<Long> memory = single(params, RunSpec.MEMORY).map(text -> {
            try {
                return Sizes.parse(text);
            } catch (IllegalArgumentException e) {
                throw invalidParameter(RunSpec.MEMORY, "a size such as 512m or 2g, not '" + printable(text) + "'.");
            }
        });
        Optional<Duration> timeout = single(params, RunSpec.TIMEOUT).map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw invalidParameter(RunSpec.TIMEOUT, "a duration such as 30s, 10m or 2h, not '"
                        + printable(text) + "'.");
            }
        });
        Map<String, String> env = new LinkedHashMap<>();
        List<String> envs = params.contains(RunSpec.ENV) ? params.all(RunSpec.ENV) : List.of();
        List<String> args = params.contains(RunSpec.ARG) ? params.all(RunSpec.ARG) : List.of();
        if (envs.size() > 1000 || args.size() > 1000) {
            throw ProblemException.badRequest("invalid-parameter", "At most 1000 env and 1000 arg parameters.");
        }
        for (String pair : envs) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.indexOf('\0') >= 0) {
                throw invalidParameter(RunSpec.ENV, "KEY=VALUE with a non-empty key, not '" + printable(pair) + "'.");
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0) {
                throw invalidParameter(RunSpec.ARG, "an argument may not hold a NUL character.");
            }
        }
        if (cpus.isPresent() && (cpus.get() < 0.01 || cpus.get() > 1024)) {
            throw outOfRange("cpus must be from 0.01 to 1024, not " + cpus.get() + ".");
        }
        if (memory.isPresent() && memory.get() < MIN_MEMORY) {
            throw outOfRange("memory must be at least 6m (Docker's least), not " + Sizes.format(memory.get()) + ".");
        }
        if (timeout.isPresent() && timeout.get().compareTo(Duration.ofSeconds(1)) < 0) {
            throw outOfRange("timeout must be at least 1s.");
        }
        Optional<String> named = single(params, RunSpec.NODE);
        Node node;
        if (named.isPresent()) {
            if (!NodesService.NODE_ID.matcher(named.get()).matches()) {
                throw invalidParameter(RunSpec.NODE, "a node id (letters, digits, '_', '.', '-'), not '"
                        + printable(named.get()) + "'.");
            }
            node = nodes.find(named.get()).orElseThrow(() -> new ProblemException(422, "node-not-found",
                    "Node not found", "No node '" + named.get() + "' has registered; see GET /api/v1/nodes."));
            if (!"up".equals(node.status())) {
                throw new ProblemException(409, "node-down", "Node down", "Node '" + node.id() + "' is down (its"
                        + " agent was last heard from at " + node.lastHeartbeat() + "); name another or none.");
            }
        } else {
            List<Node> live = nodes.live();
            if (live.isEmpty()) {
                return null;
            }
            Optional<Node> fitting = nodes.leastBusy(cpus.orElse(0.0), memory.orElse(0L));
            if (fitting.isEmpty()) {
                Node cpuiest = live.stream().max(java.util.Comparator.comparingDouble(
                        n -> n.cpus() == null ? Double.MAX_VALUE : n.cpus())).orElseThrow();
                Node roomiest = live.stream().max(java.util.Comparator.comparingLong(
                        n -> n.memoryBytes() == null ? Long.MAX_VALUE : n.memoryBytes())).orElseThrow();
                throw outOfRange("No live node has " + cpus.map(c -> c + " CPUs").orElse("")
                        + (cpus.isPresent() && memory.isPresent() ? " and " : "")
                        + memory.map(m -> Sizes.format(m) + " of memory").orElse("") + ": the most CPUs is node '"
                        + cpuiest.id() + "' (" + cpuiest.cpus() + "), the most memory node '" + roomiest.id() + "' ("
                        + (roomiest.memoryBytes() == null ? "unknown" : Sizes.format(roomiest.memoryBytes()))
                        + ").");
            }
            node = fitting.get();
        }
        if (cpus.isPresent() && node.cpus() != null && cpus.get() > node.cpus()) {
            throw outOfRange("cpus " + cpus.get() + " is more than node '" + node.id() + "' has (" + node.cpus()
                    + ").");
        }
        if (memory.isPresent() && node.memoryBytes() != null && memory.get() > node.memoryBytes()) {
            throw outOfRange("memory " + Sizes.format(memory.get()) + " is more than node '" + node.id() + "' has ("
                    + Sizes.format(node.memoryBytes()) + ").");
        }
        return new Spec(dockerfile, node, named.isPresent(), cpus.orElse(0.0), memory.orElse(0L),
                        timeout.map(Duration::toSeconds).orElse(0L), env, List.copyOf(args));
    }

    /** Reads the tar into a blob and queues the run. */
    private Run store(InputStream body, Spec spec, long contentLength) {
        if (contentLength > settings.maxContextBytes()) {
            throw new ProblemException(413, "context-too-large", "Payload too large", "The build context is larger"
                    + " than this store accepts (" + settings.maxContextBytes() + " bytes, store.runs.maxcontext).");
        }
        BlobStore.Upload upload = blobs.upload();
        BlobStore.Blob blob;
        try {
            ContextIntake.read(body, upload, settings.maxContextBytes(), spec.dockerfile());
            blob = upload.finish();
        } finally {
            upload.abort();
        }
        Run run = runs.insert(new RunRepository.NewRun(spec.node().id(), spec.pinned(), blob.digest(), blob.size(),
                spec.dockerfile(), spec.command(), spec.env(), spec.cpus(), spec.memoryBytes(),
                spec.timeoutSeconds()));
        signals.workQueued();
        return run;
    }

    private static void respondCreated(ServerResponse res, Run run) {
        res.header(HeaderNames.LOCATION, Paths.RUNS + "/" + run.id());
        sendJson(res, 201, json(run));
    }

    private void legacyUpload(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        onlyKnown(req.query(), Set.of(), "POST " + Paths.LEGACY_UPLOAD);
        if (req.headers().contentLength().orElse(-1L) > settings.maxContextBytes()) {
            throw new ProblemException(413, "context-too-large", "Payload too large", "The zip is larger than this"
                    + " store accepts (" + settings.maxContextBytes() + " bytes, store.runs.maxcontext).");
        }
        Spec spec = spec(Parameters.empty("query"));
        if (spec == null) {
            noLiveNode(req, res);
            return;
        }
        try (InputStream body = req.content().inputStream()) {
            Run run = ZipContexts.convert(body, settings.maxContextBytes(),
                                          tar -> store(tar, spec, -1));
            respondCreated(res, run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    private void list(ServerRequest req, ServerResponse res) {
        Parameters params = req.query();
        onlyKnown(params, Set.of("limit", "cursor", "node", "state"), "GET " + Paths.RUNS);
        int limit = DEFAULT_LIMIT;
        Optional<String> limitText = single(params, "limit");
        if (limitText.isPresent()) {
            try {
                limit = Integer.parseInt(limitText.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ProblemException.badRequest("invalid-limit", "limit must be a whole number from 1 to "
                        + MAX_LIMIT + ", not '" + printable(limitText.get()) + "'.");
            }
        }
        Optional<long[]> cursor = single(params, "cursor").map(RunsService::decodeCursor);
        Optional<RunState> state = single(params, "state").map(text -> {
            try {
                return RunState.of(text);
            } catch (IllegalArgumentException e) {
                throw invalidParameter("state", printable(e.getMessage()));
            }
        });
        List<RunRepository.Row> rows = runs.page(limit, cursor, single(params, "node"), state);
        boolean token = auth.holds(req);
        StringBuilder out = new StringBuilder("{\"items\":[");
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            out.append(i == 0 ? "" : ",").append(json(visible(rows.get(i).run(), token)));
        }
        out.append("],\"nextCursor\":");
        if (rows.size() > limit) {
            RunRepository.Row last = rows.get(limit - 1);
            out.append('"').append(encodeCursor(io.dockhand.server.db.Micros.of(last.run().createdAt()), last.seq()))
                    .append('"');
        } else {
            out.append("null");
        }
        sendJson(res, 200, out.append('}').toString());
    }

    private static String encodeCursor(long createdUs, long seq) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("r1:" + createdUs + ":" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static long[] decodeCursor(String text) {
        try {
            String[] parts = new String(java.util.Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8)
                    .split(":");
            if (parts.length != 3 || !"r1".equals(parts[0])) {
                throw new IllegalArgumentException();
            }
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-cursor",
                    "cursor is not a cursor this server issued; pass back nextCursor exactly as received.");
        }
    }

    private RunRepository.Row row(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return runs.find(id).orElseThrow(() -> runNotFound(id));
    }

    /** The run by its id or the start of one (what people type). */
    private RunRepository.Row resolve(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return runs.resolve(id).orElseThrow(() -> runNotFound(id));
    }

    private void one(ServerRequest req, ServerResponse res) {
        onlyKnown(req.query(), Set.of(), "GET " + Paths.RUN);
        sendJson(res, 200, json(visible(resolve(req).run(), auth.holds(req))));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String id = resolve(req).run().id();
        RunRepository.Outcome outcome = runs.cancel(id).orElseThrow(() -> runNotFound(id));
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        signals.logStored();
        sendJson(res, 202, json(outcome.run()));
    }

    // ---- the agents' protocol --------------------------------------------------------------------------------

    private void claim(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        String node = NodesService.nodeId(req.path().pathParameters().get("id"));
        onlyKnown(req.query(), Set.of("wait", "only"), "POST " + Paths.NODE_CLAIM);
        boolean managedOnly = single(req.query(), "only").map(only -> {
            if (!only.equals("managed")) {
                throw invalidParameter("only", "'managed' (runs only a swarm manager carries out), not '"
                        + printable(only) + "'.");
            }
            return true;
        }).orElse(false);
        Duration wait = single(req.query(), "wait").map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw invalidParameter("wait", "a duration such as 20s (at most 30s), not '" + printable(text) + "'.");
            }
        }).orElse(Duration.ofSeconds(20));
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw invalidParameter("wait", "from 0s to 30s, not " + Durations.format(wait) + ".");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<RunRepository.Row> run = runs.claim(node, settings.lease(), managedOnly);
            if (run.isPresent()) {
                sendJson(res, 200, json(new Claim(run.get().run(), run.get().lease(settings.lease()).toSeconds())));
                return;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || signals.closed()) {
                res.status(Status.NO_CONTENT_204);
                res.send();
                return;
            }
            signals.awaitWork(Math.min(settings.claimPoll().toMillis(), left));
        }
    }

    private static int attemptParam(Parameters params) {
        String text = single(params, "attempt").orElseThrow(() -> invalidParameter("attempt", "required."));
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalidParameter("attempt", "a whole number, not '" + printable(text) + "'.");
        }
    }

    private void context(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        onlyKnown(req.query(), Set.of("node", "attempt"), "GET " + Paths.RUN_CONTEXT);
        String node = NodesService.nodeId(single(req.query(), "node")
                                                  .orElseThrow(() -> invalidParameter("node", "required.")));
        int attempt = attemptParam(req.query());
        Run run = row(req).run();
        if (!run.state().isInProgress() || !run.node().equals(node) || run.attempt() != attempt) {
            throw RunRepository.leaseLost(run, node, attempt);
        }
        if (run.git() != null) {
            throw RunRepository.conflict("no-context", "No uploaded context", "Run " + run.id() + " builds the git"
                    + " repository " + printable(run.git().repo()) + ": its agent clones it.");
        }
        long[] blob = blobs.describe(run.context()).orElseThrow(() -> new ProblemException(404, "context-not-found",
                "Context not found", "The run's build context " + run.context() + " is no longer stored."));
        res.header(HeaderNames.CONTENT_TYPE, "application/x-tar");
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(blob[0]));
        if (Method.HEAD.equals(req.prologue().method())) {
            res.send();
            return;
        }
        try (OutputStream out = res.outputStream()) {
            blobs.copy(run.context(), (int) blob[1], out);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Context download of " + run.id() + " ended early", e);
        }
    }

    private void report(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        onlyKnown(req.query(), Set.of(), "POST " + Paths.RUN_REPORTS);
        String id = req.path().pathParameters().get("id");
        if (RunRepository.uuid(id).isEmpty()) {
            throw runNotFound(id);
        }
        RunReport report = JsonBodies.read(req, MAX_REPORT, RunReport.class);
        if (report.node() == null || !NodesService.NODE_ID.matcher(report.node()).matches()) {
            throw JsonBodies.invalid("node must be the reporting node's id.");
        }
        if (report.state() == null || report.state() == RunState.QUEUED || report.state() == RunState.ASSIGNED) {
            throw JsonBodies.invalid("state must be building, running, succeeded, failed, cancelled or lost.");
        }
        RunRepository.Outcome outcome = runs.report(id, report).orElseThrow(() -> runNotFound(id));
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        if (outcome.run().state().isFinal()) {
            signals.logStored();
            signals.resultStored();
        }
        sendJson(res, 200, json(outcome.run()));
    }

    private void append(ServerRequest req, ServerResponse res) {
        if (!auth.admits(req, res)) {
            return;
        }
        onlyKnown(req.query(), Set.of(), "POST " + Paths.RUN_LOGS);
        String id = req.path().pathParameters().get("id");
        if (RunRepository.uuid(id).isEmpty()) {
            throw runNotFound(id);
        }
        LogAppend batch = JsonBodies.read(req, MAX_APPEND, LogAppend.class);
        if (batch.node() == null || !NodesService.NODE_ID.matcher(batch.node()).matches()) {
            throw JsonBodies.invalid("node must be the appending node's id.");
        }
        if (batch.chunks() == null || batch.chunks().size() > 10_000) {
            throw JsonBodies.invalid("chunks must be a list of at most 10000 chunks.");
        }
        for (LogAppend.Chunk chunk : batch.chunks()) {
            if (chunk == null || chunk.text() == null || chunk.stream() == null || !STREAMS.contains(chunk.stream())
                    || chunk.seq() < 0 || chunk.text().length() > MAX_CHUNK_CHARS) {
                throw JsonBodies.invalid("Each chunk has a seq from 0, a stream (build, stdout, stderr or system)"
                        + " and a text of at most " + MAX_CHUNK_CHARS + " characters.");
            }
        }
        RunRepository.Outcome outcome = runs.append(id, batch, settings.maxLogBytes())
                .orElseThrow(() -> runNotFound(id));
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        signals.logStored();
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    // ---- reading logs ----------------------------------------------------------------------------------------

    private void logs(ServerRequest req, ServerResponse res) {
        Parameters params = req.query();
        onlyKnown(params, Set.of("offset", "follow", "format"), "GET " + Paths.RUN_LOGS);
        Run run = resolve(req).run();
        UUID id = UUID.fromString(run.id());
        long offset = single(params, "offset").map(text -> {
            try {
                long value = Long.parseLong(text);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw invalidParameter("offset", "a byte offset from 0, not '" + printable(text) + "'.");
            }
        }).orElse(0L);
        Optional<Boolean> followParam = single(params, "follow").map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalidParameter("follow", "true or false, not '" + printable(text) + "'.");
        });
        Optional<String> format = single(params, "format");
        if (format.isPresent() && !format.get().equals("json") && !format.get().equals("text")) {
            throw invalidParameter("format", "json or text, not '" + printable(format.get()) + "'.");
        }
        boolean head = Method.HEAD.equals(req.prologue().method());
        if (format.isPresent() && format.get().equals("json")) {
            if (followParam.orElse(false)) {
                throw invalidParameter("follow", "format=json answers one page; follow with text or events.");
            }
            jsonPage(res, id, offset);
            return;
        }
        boolean sse = req.headers().first(HeaderNames.ACCEPT)
                .map(a -> a.toLowerCase(Locale.ROOT).contains("text/event-stream")).orElse(false);
        if (sse) {
            Optional<String> lastEventId = req.headers().first(HeaderNames.create("Last-Event-ID"));
            if (lastEventId.isPresent()) {
                try {
                    offset = Math.max(0, Long.parseLong(lastEventId.get().strip()));
                } catch (NumberFormatException e) {
                    throw ProblemException.badRequest("invalid-last-event-id", "Last-Event-ID must be the id of an"
                            + " event this server sent (a byte offset).");
                }
            }
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("Dockhand-Log-Offset", Long.toString(offset));
        res.header("X-Accel-Buffering", "no");
        if (sse) {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        if (head) {
            res.send();
            return;
        }
        boolean follow = followParam.orElse(sse);
        try (OutputStream out = res.outputStream()) {
            stream(out, id, offset, follow, sse, auth.holds(req));
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "A log reader of " + id + " went away", e);
        }
    }

    /** Writes a run's log as plain text from the start, followed until the run ends when {@code follow}. */
    public void writeLog(OutputStream out, UUID id, boolean follow, boolean token) throws IOException {
        stream(out, id, 0, follow, false, token);
    }

    private void stream(OutputStream out, UUID id, long offset, boolean follow, boolean sse, boolean token)
            throws IOException {
        long lastWrite = System.nanoTime();
        if (sse) {
            out.write(": dockhand log\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        while (true) {
            Run run = runs.find(id.toString()).orElseThrow().run(); // state and size first, then the text
            List<LogEntry> entries = runs.logs(id, offset, LOG_BATCH);
            for (LogEntry entry : entries) {
                byte[] bytes = entry.text().getBytes(StandardCharsets.UTF_8);
                int skip = (int) Math.max(0, Math.min(bytes.length, offset - entry.offset()));
                if (sse) {
                    LogEntry piece = skip == 0 ? entry : new LogEntry(entry.offset() + skip, entry.end(),
                            entry.stream(), new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8),
                            entry.at());
                    out.write(("id: " + entry.end() + "\nevent: log\ndata: " + json(piece) + "\n\n")
                                      .getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(bytes, skip, bytes.length - skip);
                }
                offset = entry.end();
            }
            if (!entries.isEmpty()) {
                out.flush();
                lastWrite = System.nanoTime();
                if (entries.size() == LOG_BATCH || offset < run.logBytes()) {
                    continue; // more is stored already: a read stops at about a MiB
                }
            }
            boolean complete = run.state().isFinal() && offset >= run.logBytes();
            if (complete || !follow || signals.closed()) {
                if (sse && complete) {
                    out.write(("event: end\ndata: " + json(visible(run, token)) + "\n\n")
                                      .getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            if (!sse && System.nanoTime() - lastWrite > followIdleNanos()) {
                // a plain-text follower without new text ends cleanly: a client that went away unseen holds
                // nothing for long, and the CLI's follower opens the log again from its offset
                return;
            }
            if (sse && System.nanoTime() - lastWrite > KEEP_ALIVE_NANOS) {
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastWrite = System.nanoTime();
            }
            // other replicas' appends are seen by polling: often while text flows, less after a long silence (a
            // follower whose client went away unseen polls until the run ends); this replica's wake at once
            long idle = System.nanoTime() - lastWrite;
            signals.awaitLog(idle > IDLE_NANOS ? 500 : 150);
        }
    }

    /** How long a plain-text follow may go without new text before it ends (60 s; a system property for tests). */
    static long followIdleNanos() {
        return Duration.ofMillis(Long.getLong("dockhand.follow.idle.millis", 60_000)).toNanos();
    }

    private void jsonPage(ServerResponse res, UUID id, long offset) {
        List<LogEntry> items = new ArrayList<>();
        long next = offset;
        for (LogEntry entry : runs.logs(id, offset, MAX_LIMIT)) {
            byte[] bytes = entry.text().getBytes(StandardCharsets.UTF_8);
            int skip = (int) Math.max(0, Math.min(bytes.length, next - entry.offset()));
            items.add(skip == 0 ? entry : new LogEntry(entry.offset() + skip, entry.end(), entry.stream(),
                    new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8), entry.at()));
            next = entry.end();
        }
        sendJson(res, 200, "{\"items\":" + json(items) + ",\"nextOffset\":" + next + "}");
    }
}
