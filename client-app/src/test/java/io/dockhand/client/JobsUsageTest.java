package io.dockhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jobs submit}'s checks and what it sends: bad usage and bad JSON-lines files are one line and exit 2 before
 * anything is stored, and the requests are what the contract says, as a recording HTTP server receives them (the
 * store's own answers are {@link JobsCommandsTest}'s).
 */
class JobsUsageTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "jobs-test-token";

    @TempDir
    Path dir;
    Recorder store;

    @BeforeEach
    void startRecorder() throws IOException {
        store = new Recorder();
    }

    @AfterEach
    void stopRecorder() {
        store.close();
    }

    private Map<String, String> env(String server) {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", server);
        env.put("DOCKHAND_TOKEN", TOKEN);
        env.put("FROM_HERE", "here's value");
        return env;
    }

    private Cli.Result client(Map<String, String> env, String... args) {
        return Cli.run(Cli.session(env, "", dir), args);
    }

    private Cli.Result client(String... args) {
        return client(env(store.url()), args);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String task(int i) {
        return "{\"taskId\":\"t" + i + "\",\"repo\":\"git://git/r.git\",\"command\":[\"echo\",\"" + i + "\"]}";
    }

    @Test
    void badUsageIsOneLineAndExit2BeforeAnythingIsSent() throws Exception {
        Map<String, String> env = env("http://127.0.0.1:" + Stores.closedPort());
        Map<String, String> noToken = new HashMap<>(env);
        noToken.remove("DOCKHAND_TOKEN");
        noToken.put("DOCKHAND_TOKEN_FILE", dir.resolve("missing-token").toString());
        String tasks = file("tasks.jsonl", task(1) + "\n").toString();
        List<Cli.Result> results = List.of(
                client(env, "jobs", "submit", "p", "--", "echo", "1"),
                client(env, "jobs", "submit", "no/slash", "--repo", "git://r"),
                client(env, "jobs", "submit", "p", "--repo", "git://r", "--shell", "echo 1", "--", "echo", "2"),
                client(env, "jobs", "submit", "p", "--tasks", tasks, "--repo", "git://r"),
                client(env, "jobs", "submit", "p", "--repo", "git://r", "--timeout", "soon"),
                client(env, "jobs", "submit", "p", "--repo", "git://r", "-e", "=x"),
                client(env, "jobs", "submit", "p", "--repo", "git://r", "--task-id", "a/b"),
                client(noToken, "jobs", "submit", "p", "--repo", "git://r"),
                client(env, "jobs", "tasks", "p", "--state", "sleeping"),
                client(env, "jobs", "tasks", "p", "--all", "--limit", "3"),
                client(env, "jobs", "settings", "p", "--attempts", "0"),
                client(env, "jobs", "settings", "p", "--backoff", "10m"),
                client(env, "jobs", "results", ".bad"),
                client(env, "jobs"),
                client(env, "jobs", "retry", "p", "a/b"));

        for (Cli.Result r : results) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: ");
            assertThat(r.out()).isEmpty();
        }
        assertThat(results.get(0).err()).contains("--repo is missing");
        assertThat(results.get(1).err()).contains("'no/slash' is not a project name");
        assertThat(results.get(2).err()).contains("--shell and a command after -- exclude each other");
        assertThat(results.get(3).err()).contains("--tasks takes every task from its file");
        assertThat(results.get(4).err()).contains("--timeout");
        assertThat(results.get(5).err()).contains("-e takes KEY=VALUE");
        assertThat(results.get(6).err()).contains("'a/b' is not a task id");
        assertThat(results.get(7).err()).contains("cluster token file DOCKHAND_TOKEN_FILE").contains("no such file");
        assertThat(results.get(8).err()).contains("'sleeping' is not a task state");
        assertThat(results.get(9).err()).contains("--all and --limit exclude each other");
        assertThat(results.get(10).err()).contains("--attempts must be 1 or more");
        assertThat(results.get(11).err()).contains("--backoff must be at most 5m");
        assertThat(results.get(12).err()).contains("'.bad' is not a project name");
        assertThat(results.get(13).err()).contains("say what to do: submit, list, status");
        assertThat(results.get(14).err()).contains("'a/b' is not a task id");
    }

    @Test
    void aBadFirstLineOrNoTaskIsExit2NamingTheLineAndNothingIsSent() throws Exception {
        Map<String, String> env = env(store.url());
        List<Cli.Result> results = List.of(
                client(env, "jobs", "submit", "p", "--tasks", file("a.jsonl", "{\"taskId\": \"t1\",\n").toString()),
                client(env, "jobs", "submit", "p", "--tasks", file("b.jsonl", "\n  \n[1, 2]\n").toString()),
                client(env, "jobs", "submit", "p", "--tasks", file("c.jsonl", "{\"repo\": \"git://r\"}\n").toString()),
                client(env, "jobs", "submit", "p", "--tasks", file("d.jsonl", "{\"taskId\": \"t1\"}").toString()),
                client(env, "jobs", "submit", "p", "--tasks",
                       file("e.jsonl", "{\"taskId\":\"t\",\"repo\":\"r\",\"id_projet\":\"q\"}").toString()),
                client(env, "jobs", "submit", "p", "--tasks", file("f.jsonl", "\n\n").toString()),
                client(env, "jobs", "submit", "p", "--tasks", dir.resolve("missing.jsonl").toString()),
                client(env, "jobs", "submit", "p", "--tasks", file("g.jsonl", "{} {}").toString()));

        for (Cli.Result r : results) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
        }
        assertThat(results.get(0).err()).contains("a.jsonl line 1: not JSON");
        assertThat(results.get(1).err()).contains("b.jsonl line 3: a task is a JSON object, not an array");
        assertThat(results.get(2).err()).contains("c.jsonl line 1: 'taskId' is missing");
        assertThat(results.get(3).err()).contains("d.jsonl line 1: 'repo' is missing");
        assertThat(results.get(4).err()).contains("e.jsonl line 1: the task names project 'q', not 'p'");
        assertThat(results.get(5).err()).contains("f.jsonl holds no task");
        assertThat(results.get(6).err()).contains("no such file");
        assertThat(results.get(7).err()).contains("g.jsonl line 1: not JSON");
        assertThat(store.requests).isEmpty();
    }

    @Test
    void aBadLineFurtherOnStopsTheUploadSoNothingIsStoredAndIsNamed() throws Exception {
        String lines = IntStream.rangeClosed(1, 16).mapToObj(JobsUsageTest::task).collect(Collectors.joining("\n"))
                + "\n{\"taskId\": \"t17\", \"command\": \"echo 17\"}\n" + task(18) + "\n";
        Path file = file("tasks.jsonl", lines);

        Cli.Result r = client("jobs", "submit", "p", "--tasks", file.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + file + " line 17: 'repo' is missing (the git URL; or "
                + "'address_git'); nothing was submitted\n");
        assertThat(r.out()).isEmpty();
        assertThat(store.completeBodies()).isEmpty();
    }

    @Test
    void aLineOverOneMebibyteIsNamedAndNothingIsStored() throws Exception {
        String huge = "{\"taskId\":\"t3\",\"repo\":\"r\",\"command\":[\"" + "x".repeat(TaskLines.MAX_LINE) + "\"]}";
        Path file = file("huge.jsonl", task(1) + "\n" + task(2) + "\n" + huge + "\n" + task(4) + "\n");

        Cli.Result r = client("jobs", "submit", "p", "--tasks", file.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + file + " line 3: longer than 1 MiB, the most one line may be; "
                + "nothing was submitted\n");
        assertThat(store.completeBodies()).isEmpty();
    }

    @Test
    void aTasksFileIsStreamedAsJsonLinesAsWrittenAndTheAnswerCounted() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            lines.append(task(i)).append(i == 500 ? "\r\n\n" : "\n");
        }
        Path file = file("tasks.jsonl", lines.toString());

        Cli.Result r = client("jobs", "submit", "demo", "--tasks", file.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("submitted 1000 tasks to demo (1000 new, 0 already there)\n");
        Request sent = store.requests.getFirst();
        assertThat(sent.method() + " " + sent.path()).isEqualTo("POST /api/v1/jobs/demo/tasks");
        assertThat(sent.contentType()).isEqualTo("application/x-ndjson");
        assertThat(sent.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(sent.chunked()).as("streamed, not sized up front").isTrue();
        assertThat(sent.body()).isEqualTo(lines.toString().replace("\r\n", "\n"));
    }

    @Test
    void tasksAreSentWhileTheInputIsStillBeingWritten() throws Exception {
        java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(writer, 1 << 20);
        Session session = new Session(env(store.url()), stdin, false, false, dir.resolve("no-route-table"), dir,
                                      io.dockhand.client.http.Resolver.SYSTEM, null);
        java.util.concurrent.atomic.AtomicReference<Cli.Result> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(Cli.run(session, "jobs", "submit", "demo",
                                                                             "--tasks", "-")));
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            all.append(task(i)).append('\n');
        }
        writer.write(all.toString().getBytes(StandardCharsets.UTF_8));
        writer.flush();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (store.received.get() < 64 << 10 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(store.received.get()).as("bytes the store had while stdin was still open").isGreaterThanOrEqualTo(
                64 << 10);
        assertThat(command.isAlive()).isTrue();
        String last = task(3001) + "\n";
        writer.write(last.getBytes(StandardCharsets.UTF_8));
        writer.close();
        command.join(30_000);

        assertThat(result.get().code()).as(result.get().err()).isZero();
        assertThat(result.get().out()).isEqualTo("submitted 3001 tasks to demo (3001 new, 0 already there)\n");
        assertThat(store.requests.getFirst().body()).isEqualTo(all + last);
    }

    @Test
    void moreThanAHundredThousandTasksStopTheUploadSoNothingIsStored() throws Exception {
        Path file = dir.resolve("many.jsonl");
        try (var out = Files.newBufferedWriter(file)) {
            for (int i = 1; i <= TaskLines.MAX_TASKS + 1; i++) {
                out.write(task(i));
                out.write('\n');
            }
        }

        Cli.Result r = client("jobs", "submit", "p", "--tasks", file.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + file + " holds more than 100000 tasks, the most one request "
                + "takes; split it; nothing was submitted\n");
        assertThat(store.completeBodies()).isEmpty();
    }

    @Test
    void aTasksFileOnStdinIsSentTooAndAProblemsDetailIsOneLine() throws Exception {
        String lines = task(1) + "\n" + task(2) + "\n";
        Cli.Result r = Cli.run(Cli.session(env(store.url()), lines, dir), "jobs", "submit", "demo", "--tasks", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("submitted 2 tasks to demo (2 new, 0 already there)\n");
        assertThat(store.requests.getFirst().body()).isEqualTo(lines);

        store.problem = "{\"type\":\"/problems/task-exists\",\"title\":\"Task exists\",\"status\":409,"
                + "\"detail\":\"line 2: task 't2' exists with another spec\"}";
        Cli.Result refused = Cli.run(Cli.session(env(store.url()), lines, dir), "jobs", "submit", "demo", "--tasks",
                                     "-");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: Task exists: line 2: task 't2' exists with another spec (POST "
                + store.url() + "/api/v1/jobs/demo/tasks)\n");
        assertThat(refused.out()).isEmpty();
    }

    @Test
    void oneTaskIsOneJsonObjectWithTheCommandAsAnArrayOrAShellLine() throws Exception {
        Cli.Result r = client("jobs", "submit", "demo", "--repo", "git://git/r.git", "--ref", "v1", "--dockerfile",
                              "app/Dockerfile", "--task-id", "t1", "-e", "K=V", "-e", "FROM_HERE", "-e", "UNSET_HERE",
                              "--timeout", "300s", "--", "echo", "a b");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("submitted 1 task to demo (1 new, 0 already there): t1\n");
        Request sent = store.requests.getFirst();
        assertThat(sent.method() + " " + sent.path()).isEqualTo("POST /api/v1/jobs/demo/tasks");
        assertThat(sent.contentType()).isEqualTo("application/json");
        assertThat(sent.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(MAPPER.readTree(sent.body())).isEqualTo(MAPPER.readTree("""
                {"taskId":"t1","repo":"git://git/r.git","ref":"v1","dockerfile":"app/Dockerfile",
                 "command":["echo","a b"],"env":{"K":"V","FROM_HERE":"here's value"},"timeout":"5m"}"""));

        Cli.Result shell = client("jobs", "submit", "demo", "--repo", "git://git/r.git", "--shell", "echo 1 | wc -c");
        assertThat(shell.code()).as(shell.err()).isZero();
        JsonNode line = MAPPER.readTree(store.requests.get(1).body());
        assertThat(line.get("command").textValue()).isEqualTo("echo 1 | wc -c");
        assertThat(line.get("taskId").asText()).matches("[0-9a-f-]{36}");
        assertThat(line.has("ref")).isFalse();
        assertThat(shell.out()).endsWith(": " + line.get("taskId").asText() + "\n");
    }

    @Test
    void jobsLinesPipedOnStdinRunAsOnTheCommandLine() throws Exception {
        Cli.Result r = Cli.run(Cli.session(env(store.url()), """
                jobs submit demo --repo git://git/r.git --task-id t1 -- echo 'a b'
                jobs submit demo --tasks
                """, dir));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("submitted 1 task to demo (1 new, 0 already there): t1\n");
        assertThat(r.err()).startsWith("error: Missing required parameter for option '--tasks'");
        assertThat(MAPPER.readTree(store.requests.getFirst().body()).get("command").toString())
                .isEqualTo("[\"echo\",\"a b\"]");
    }

    @Test
    void aLongPollMayTakeItsWaitLongerThanTheRequestTimeout() {
        store.hold = 2500;
        Cli.Result waited = client("--timeout", "1s", "jobs", "results", "demo", "--wait");
        assertThat(waited.code()).as(waited.err()).isZero();
        assertThat(waited.out()).isEqualTo("0 tasks: 0 succeeded, 0 dead, 0 cancelled; exit codes: -\n");
        assertThat(store.queries).containsExactly("after=0&limit=100&wait=30s");

        Cli.Result now = client("--timeout", "1s", "jobs", "results", "demo");
        assertThat(now.code()).as("a request that is not a long poll keeps its timeout").isEqualTo(3);
        assertThat(now.err()).startsWith("error: cannot reach the server: timed out");
        assertThat(store.queries.getLast()).isEqualTo("after=0&limit=100");
    }

    /** One request as the recorder received it; {@code body} is {@code null} when it did not arrive whole. */
    record Request(String method, String path, String contentType, String authorization, boolean chunked,
                   String body) {
    }

    /**
     * An HTTP server that records each request and answers a submission by counting the non-blank lines it
     * received (or with {@link #problem} when set).
     */
    static final class Recorder implements AutoCloseable {
        final List<Request> requests = new CopyOnWriteArrayList<>();
        /** The body bytes read so far, over every request. */
        final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        volatile String problem;
        /** How long a results request is held before its (empty, finished) answer, as a long poll is. */
        volatile long hold;
        final List<String> queries = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Recorder() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<Request> completeBodies() {
            return requests.stream().filter(r -> r.body() != null).toList();
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    bytes.write(buffer, 0, n);
                    received.addAndGet(n);
                }
                body = bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = null;
            }
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                                     headers.getFirst("Content-Type"), headers.getFirst("Authorization"),
                                     "chunked".equalsIgnoreCase(headers.getFirst("Transfer-Encoding")), body));
            if (body == null) {
                exchange.close();
                return;
            }
            if (exchange.getRequestURI().getRawPath().endsWith("/results")) {
                queries.add(exchange.getRequestURI().getRawQuery());
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, "{\"results\":[],\"last\":0,\"finished\":true}");
                return;
            }
            long tasks = body.lines().filter(l -> !l.isBlank()).count();
            boolean refused = problem != null;
            byte[] answer = (refused ? problem : "{\"accepted\":" + tasks + ",\"created\":" + tasks
                    + ",\"existing\":0}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", refused ? "application/problem+json"
                    : "application/json");
            exchange.sendResponseHeaders(refused ? 409 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        }

        private static void answer(HttpExchange exchange, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
