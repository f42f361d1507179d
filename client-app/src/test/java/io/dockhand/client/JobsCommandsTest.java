package io.dockhand.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.dockhand.client.http.Resolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dockhand jobs ...} against the real store in this JVM; where a task must move, the test plays a worker
 * through the work protocol (heartbeats, claims, reports, log appends) as the agent does ({@link RunStore}).
 * {@code jobs submit}'s own checks and requests are {@link JobsUsageTest}'s.
 */
class JobsCommandsTest {
    private static final ObjectMapper MAPPER = RunStore.MAPPER;
    private static final String REPO = "git://git.example/calc.git";
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    @TempDir
    static Path dir;
    static RunStore store;
    RunStore.Agent worker;
    final List<String> made = new java.util.ArrayList<>();

    @BeforeAll
    static void startStore() {
        store = RunStore.start(dir, Map.of());
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void startWorker() throws Exception {
        worker = store.agent();
    }

    @AfterEach
    void stopWorkerAndCancelWhatIsLeft() throws Exception {
        worker.close();
        for (String p : made) {
            if (store.exchange("GET", "/api/v1/jobs/" + p, null).statusCode() == 200) {
                store.send("POST", "/api/v1/jobs/" + p + "/cancel", null);
            }
        }
    }

    /** A project of the test's own, whose unfinished tasks are cancelled after the test. */
    private String project() {
        String p = "p" + PROJECTS.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
        made.add(p);
        return p;
    }

    private static Cli.Result client(String... args) {
        return store.client(args);
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        assertThat(result.code()).as(result.err()).isZero();
        return MAPPER.readTree(result.out());
    }

    private static String task(String id, String command) {
        return "{\"taskId\":\"" + id + "\",\"repo\":\"" + REPO + "\",\"command\":" + command + "}";
    }

    private static void submit(String project, String... lines) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "tasks", ".jsonl"), String.join("\n", lines));
        Cli.Result submitted = client("jobs", "submit", project, "--tasks", file.toString());
        assertThat(submitted.code()).as(submitted.err()).isZero();
    }

    /** Claims as the worker until a task of {@code project} comes; those of other projects are finished. */
    private JsonNode claim(String project) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode run = worker.claim();
            if (project.equals(run.path("task").path("project").asText())) {
                return run;
            }
            finish(run, "succeeded", 0, null);
        }
        throw new AssertionError("no task of " + project + " was handed out");
    }

    private static String taskId(JsonNode run) {
        return run.path("task").path("taskId").asText();
    }

    /** Carries a claimed attempt out: building (with its commit), running, its output, its end. */
    private void finish(JsonNode run, String state, Integer exit, String stdout) throws Exception {
        worker.report(run, "building", "\"commit\":\"0123456789abcdef0123456789abcdef01234567\"");
        worker.report(run, "running", null);
        if (stdout != null) {
            worker.append(run, 1, "stdout", stdout);
        }
        worker.report(run, state, exit == null ? "\"reason\":\"clone failed: no such repository\""
                : "\"exitCode\":" + exit + (exit == 0 ? "" : ",\"reason\":\"exited with code " + exit + "\""));
    }

    @Test
    void submitsOneTaskAndAFileOfAThousandAndCountsThemByState() throws Exception {
        String p = project();
        Cli.Result one = client("jobs", "submit", p, "--repo", REPO, "--ref", "main", "--task-id", "one", "-e",
                                "K=V", "--timeout", "5m", "--", "echo", "a b");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).isEqualTo("submitted 1 task to " + p + " (1 new, 0 already there): one\n");
        assertThat(one.err()).isEmpty();

        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            lines.append(task("t" + i, "[\"echo\",\"" + i + "\"]")).append('\n');
        }
        Path file = Files.writeString(dir.resolve(p + ".jsonl"), lines);
        Cli.Result many = client("jobs", "submit", p, "--tasks", file.toString());
        assertThat(many.code()).as(many.err()).isZero();
        assertThat(many.out()).isEqualTo("submitted 1000 tasks to " + p + " (1000 new, 0 already there)\n");
        Cli.Result again = client("jobs", "submit", p, "--tasks", file.toString());
        assertThat(again.out()).isEqualTo("submitted 1000 tasks to " + p + " (0 new, 1000 already there)\n");
        JsonNode oneAgain = json(client("jobs", "submit", p, "--repo", REPO, "--ref", "main", "--task-id", "one", "-e",
                                        "K=V", "--timeout", "5m", "--format", "json", "--", "echo", "a b"));
        assertThat(oneAgain).isEqualTo(MAPPER.readTree("{\"accepted\":1,\"created\":0,\"existing\":1}"));

        JsonNode task = json(client("jobs", "task", p, "one", "--format", "json"));
        assertThat(task.get("command").toString()).isEqualTo("[\"echo\",\"a b\"]");
        assertThat(task.get("ref").asText()).isEqualTo("main");
        assertThat(task.get("timeoutSeconds").asLong()).isEqualTo(300);
        assertThat(task.get("env").fieldNames()).toIterable().containsExactly("K");

        JsonNode run = claim(p);
        finish(run, "succeeded", 0, "1\n");
        String done = run.path("task").path("taskId").asText();

        Cli.Result status = client("jobs", "status", p);
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("progress     1/1001 (0%) finished\n")
                .contains("tasks        ready 1000  running 0  failed 0  succeeded 1  dead 0  cancelled 0\n")
                .contains("exit codes   0×1\n")
                .contains("settings     concurrency 0 (as many as the nodes take), attempts 3, lease 30s, backoff 5s");
        JsonNode counted = json(client("jobs", "status", p, "--format", "json"));
        assertThat(counted.get("total").asLong()).isEqualTo(1001);
        assertThat(counted.get("counts").get("ready").asLong()).isEqualTo(1000);

        Cli.Result succeeded = client("jobs", "tasks", p, "--state", "succeeded");
        assertThat(succeeded.code()).as(succeeded.err()).isZero();
        List<String> rows = succeeded.out().lines().toList();
        assertThat(rows.getFirst()).matches("TASK +STATE +ATTEMPTS +EXIT +CREATED +FINISHED +COMMAND");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).startsWith(done + " ").contains("succeeded").contains("1/3").containsPattern(" 0 ");

        Cli.Result firstFive = client("jobs", "tasks", p, "--state", "ready", "--limit", "5");
        assertThat(firstFive.out().lines()).hasSize(1 + 5);
        assertThat(firstFive.err()).isEqualTo("(more: add --all, or a larger --limit)\n");
        JsonNode ready = json(client("jobs", "tasks", p, "--state", "READY", "--all", "--json"));
        assertThat(ready.get("items")).hasSize(1000);
        assertThat(ready.get("items").findValuesAsText("state")).containsOnly("ready");
        assertThat(ready.get("items").findValuesAsText("taskId")).doesNotContain(done);

        Cli.Result list = client("jobs", "list");
        assertThat(list.out().lines().filter(l -> l.startsWith(p + " ")))
                .singleElement().asString().matches(p + " +1001 +1000 +0 +0 +1 +0 +0 +1/1001 \\(0%\\)");

        Cli.Result cancelled = client("jobs", "cancel", p);
        assertThat(cancelled.out()).isEqualTo("cancelled 1000 tasks of " + p + "\n");
        assertThat(json(client("jobs", "status", p, "--format", "json")).get("counts").get("cancelled").asLong())
                .isEqualTo(1000);
    }

    @Test
    void resultsWaitPrintsEachResultAsItArrivesThenTheAggregateAndExitsOneForADeadTask() throws Exception {
        String p = project();
        assertThat(client("jobs", "settings", p, "--attempts", "1").code()).isZero();
        submit(p, task("a", "[\"echo\",\"42\"]"), task("b", "[\"false\"]"), task("c", "\"echo 7\""));

        Live results = Live.start(store.env(), "jobs", "results", p, "--wait");
        JsonNode first = claim(p);
        finish(first, "succeeded", 0, "42\n");
        results.await("42");
        assertThat(results.ended()).as("it waits for the other tasks").isFalse();
        JsonNode second = claim(p);
        finish(second, "failed", 3, null);
        results.await("exited with code 3");
        assertThat(results.ended()).isFalse();
        JsonNode third = claim(p);
        finish(third, "succeeded", 0, "7\n");

        assertThat(results.end()).as(results.err()).isEqualTo(1);
        List<String> lines = results.out().lines().toList();
        assertThat(lines.getFirst()).matches("TASK +STATE +EXIT +NODE +ATTEMPTS +OUTPUT");
        assertThat(lines.get(1)).matches(taskId(first) + " +succeeded +0 +" + worker.node + " +1 +42");
        assertThat(lines.get(2)).matches(taskId(second) + " +dead +3 +" + worker.node + " +1 +exited with code 3");
        assertThat(lines.get(3)).matches(taskId(third) + " +succeeded +0 +" + worker.node + " +1 +7");
        assertThat(lines.get(4)).isEqualTo("3 tasks: 2 succeeded, 1 dead, 0 cancelled; exit codes: 0×2, 3×1");
        assertThat(lines).hasSize(5);
        assertThat(results.err()).isEmpty();

        Cli.Result asJson = client("jobs", "results", p, "--format", "json");
        assertThat(asJson.code()).isEqualTo(1);
        List<JsonNode> documents = asJson.out().lines().map(l -> {
            try {
                return MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l, e);
            }
        }).toList();
        assertThat(documents).hasSize(4);
        assertThat(documents.subList(0, 3)).extracting(d -> d.get("taskId").asText())
                .containsExactly(taskId(first), taskId(second), taskId(third));
        assertThat(documents.get(0).get("seq").asLong()).isLessThan(documents.get(2).get("seq").asLong());
        assertThat(documents.get(3)).isEqualTo(MAPPER.readTree("""
                {"aggregate":{"tasks":3,"succeeded":2,"dead":1,"cancelled":0,"exitCodes":{"0":2,"3":1},
                 "finished":true}}"""));
    }

    @Test
    void resultsExitZeroWhenEveryTaskSucceededAndShowTheProjectUnfinishedWithoutWait() throws Exception {
        String p = project();
        submit(p, task("x", "[\"echo\",\"1\"]"), task("y", "[\"echo\",\"2\"]"));
        finish(claim(p), "succeeded", 0, "1\n");

        Cli.Result partial = client("jobs", "results", p);
        assertThat(partial.code()).as(partial.err()).isZero();
        assertThat(partial.out()).endsWith("\n1 task: 1 succeeded, 0 dead, 0 cancelled; exit codes: 0×1 (the project is "
                + "not finished)\n");

        finish(claim(p), "succeeded", 0, "2\n");
        Cli.Result all = client("jobs", "results", p, "--wait");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).endsWith("\n2 tasks: 2 succeeded, 0 dead, 0 cancelled; exit codes: 0×2\n");
    }

    @Test
    void retryPutsDeadTasksBackAndCancelEndsUnfinishedOnesEachWithACancelledResult() throws Exception {
        String p = project();
        assertThat(client("jobs", "settings", p, "--attempts", "1").code()).isZero();
        submit(p, task("x", "[\"false\"]"), task("y", "[\"true\"]"), task("z", "[\"true\"]"));
        JsonNode first = claim(p);
        String dead = first.path("task").path("taskId").asText();
        finish(first, "failed", null, null);
        assertThat(json(client("jobs", "task", p, dead, "--format", "json")).get("state").asText())
                .isEqualTo("dead");

        Cli.Result retried = client("jobs", "retry", p);
        assertThat(retried.code()).as(retried.err()).isZero();
        assertThat(retried.out()).isEqualTo("retried 1 task of " + p + "\n");
        assertThat(json(client("jobs", "task", p, dead, "--format", "json")).get("state").asText())
                .isEqualTo("ready");
        assertThat(json(client("jobs", "status", p, "--format", "json")).get("finished").asLong()).isZero();
        Cli.Result notDead = client("jobs", "retry", p, dead);
        assertThat(notDead.code()).isZero();
        assertThat(notDead.out()).isEqualTo("retried 0 tasks of " + p + "\n");
        assertThat(notDead.err()).isEqualTo("(1 of the tasks named was left as it was: not dead or cancelled)\n");

        Cli.Result one = client("jobs", "cancel", p, "y");
        assertThat(one.out()).isEqualTo("cancelled 1 task of " + p + "\n");
        Cli.Result shown = client("jobs", "task", p, "y");
        assertThat(shown.out()).containsPattern("state +cancelled\n");
        Cli.Result rest = client("jobs", "cancel", p);
        assertThat(rest.out()).isEqualTo("cancelled 2 tasks of " + p + "\n");
        Cli.Result finished = client("jobs", "cancel", p, "x", "y", "z");
        assertThat(finished.out()).isEqualTo("cancelled 0 tasks of " + p + "\n");
        assertThat(finished.err()).isEqualTo("(3 of the tasks named were left as they were: already finished)\n");

        Cli.Result results = client("jobs", "results", p);
        assertThat(results.code()).isEqualTo(1);
        assertThat(results.out()).endsWith("\n3 tasks: 0 succeeded, 0 dead, 3 cancelled; exit codes: none×3\n");

        Cli.Result unknown = client("jobs", "retry", p, "nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: Task not found: Project '" + p + "' has no task nope")
                .hasLineCount(1);
    }

    @Test
    void settingsChangeWhatIsGivenAndShowTheRestAndReadsNeedNoToken() throws Exception {
        String p = project();
        Cli.Result set = client("jobs", "settings", p, "--concurrency", "2", "--attempts", "5", "--lease", "1m",
                                "--backoff", "10s");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).contains("settings     concurrency 2, attempts 5, lease 60s, backoff 10s");
        assertThat(client("jobs", "settings", p, "--attempts", "4").out())
                .contains("concurrency 2, attempts 4, lease 60s, backoff 10s");

        Map<String, String> noToken = store.env();
        noToken.remove("DOCKHAND_TOKEN");
        noToken.put("DOCKHAND_TOKEN_FILE", dir.resolve("no-token").toString());
        Cli.Result shown = store.client(noToken, "jobs", "settings", p);
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("concurrency 2, attempts 4, lease 60s, backoff 10s")
                .contains("progress     0/0 (0%)");
        assertThat(store.client(noToken, "jobs", "list").out()).containsPattern("\n" + p + " +0 ");
        Cli.Result none = store.client(noToken, "jobs", "results", p, "--wait");
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.out()).as("no header without a result").isEqualTo("0 tasks: 0 succeeded, 0 dead, 0 cancelled; "
                + "exit codes: -\n");
    }

    @Test
    void errorsAreOneLineWithTheStoresDetailAndTheirExitCode() throws Exception {
        Cli.Result missing = client("jobs", "status", "nothing-here");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: Project not found: No project 'nothing-here'").hasLineCount(1);
        assertThat(client("jobs", "results", "nothing-here", "--wait").code()).isEqualTo(1);

        Map<String, String> wrongToken = store.env();
        wrongToken.put("DOCKHAND_TOKEN", "not-the-token");
        Cli.Result refused = store.client(wrongToken, "jobs", "submit", project(), "--repo", REPO, "--", "true");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: ").contains("/api/v1/jobs/").hasLineCount(1);

        String p = project();
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), task("t1", "[\"true\"]") + "\n"
                + task("t2", "[\"true\"]").replace("\"command\":[\"true\"]", "\"command\":[false]") + "\n");
        Cli.Result line = client("jobs", "submit", p, "--tasks", bad.toString());
        assertThat(line.code()).isEqualTo(1);
        assertThat(line.err()).startsWith("error: Invalid task: line 2: command's arguments must be strings")
                .hasLineCount(1);
        assertThat(client("jobs", "status", p).code()).as("nothing was stored").isEqualTo(1);

        Map<String, String> nowhere = store.env();
        nowhere.put("DOCKHAND_SERVER", "http://127.0.0.1:" + Stores.closedPort());
        nowhere.put("DOCKHAND_TIMEOUT", "1s");
        Cli.Result unreachable = store.client(nowhere, "jobs", "list");
        assertThat(unreachable.code()).isEqualTo(3);
        assertThat(unreachable.err()).startsWith("error: cannot reach the server: connection refused")
                .hasLineCount(1);
    }

    /** A command running on another thread whose output can be read while it runs. */
    private static final class Live {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile int code = -1;

        private Live(Map<String, String> env, String... args) {
            Session session = new Session(new HashMap<>(env), new ByteArrayInputStream(new byte[0]), false, false,
                                          dir.resolve("no-route-table"), dir, Resolver.SYSTEM, null);
            thread = Thread.ofPlatform().start(() -> code = Main.run(args, session,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        }

        static Live start(Map<String, String> env, String... args) {
            return new Live(env, args);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        boolean ended() {
            return !thread.isAlive();
        }

        /** Waits until the output holds {@code text}. */
        void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!out().contains(text)) {
                if (System.nanoTime() > deadline || ended()) {
                    throw new AssertionError("no '" + text + "' in: " + out() + err());
                }
                Thread.sleep(50);
            }
        }

        /** Waits for the end; the exit code. */
        int end() throws InterruptedException {
            thread.join(60_000);
            assertThat(thread.isAlive()).as("the command ended").isFalse();
            return code;
        }
    }
}
