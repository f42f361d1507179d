package io.dockhand.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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
 * {@code run}, {@code runs}, {@code logs}, {@code cancel} and {@code nodes} against the real store in this JVM, with
 * a node registered by heartbeats the test sends; where a run must move, the test plays its node's agent through
 * the work protocol (claim, reports, log appends), as the real agent does ({@link RunStore}). {@code run}'s own
 * options, checks and exit codes are {@link RunCommandTest}'s.
 */
class RunsCommandsTest {
    private static final String NODE = "node-a";
    private static final ObjectMapper MAPPER = RunStore.MAPPER;

    @TempDir
    static Path dir;
    static RunStore store;
    Path folder;
    /** A node of this test's own, so that the runs it claims are its own. */
    RunStore.Agent agent;
    String own;

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
    void heartbeatAndFolder() throws Exception {
        store.heartbeat(NODE);
        agent = store.agent();
        own = agent.node;
        folder = Files.createTempDirectory(dir, "app");
        Files.writeString(folder.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\nCMD [\"echo\", \"hi\"]\n");
        Files.writeString(folder.resolve("data.txt"), folder.getFileName().toString());
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    private static JsonNode send(String method, String path, String json) throws Exception {
        return store.send(method, path, json);
    }

    private static Map<String, String> env() {
        return store.env();
    }

    private static Cli.Result client(String... args) {
        return store.client(args);
    }

    private static Cli.Result client(Map<String, String> env, String... args) {
        return store.client(env, args);
    }

    private JsonNode claim() throws Exception {
        return agent.claim();
    }

    private void report(JsonNode run, String state, String extra) throws Exception {
        agent.report(run, state, extra);
    }

    private void append(JsonNode run, long seq, String stream, String text) throws Exception {
        agent.append(run, seq, stream, text);
    }

    private static String detach(String... more) {
        return store.detach(more);
    }

    @Test
    void runFollowsTheLogLiveAndExitsWithTheContainersCode() throws Exception {
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(client("run", folder.toString(), "--node", own,
                                                                           "--", "sh", "-c", "echo out; exit 7")));
        JsonNode run = claim();
        assertThat(run.path("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo out; exit 7\"]");
        report(run, "building", null);
        append(run, 0, "build", "Step 1/2 : FROM dockhand/debian:bookworm\n");
        Thread.sleep(300);
        report(run, "running", null);
        append(run, 1, "stdout", "out \u001b[2Jcafé\n");
        append(run, 2, "stderr", "warning\n");
        Thread.sleep(300);
        report(run, "failed", "\"exitCode\":7,\"reason\":\"the container exited with 7\"");
        command.join(30_000);

        assertThat(result.get()).isNotNull();
        assertThat(result.get().code()).as(result.get().err()).isEqualTo(7);
        assertThat(result.get().out()).isEqualTo("Step 1/2 : FROM dockhand/debian:bookworm\n"
                + "out \\u001b[2Jcafé\nwarning\n");
        assertThat(result.get().err()).contains("queued on " + own).contains("failed: the container exited with 7");
    }

    @Test
    void aFailedBuildExitsOneWithItsReasonAndTheLogsCommandReplaysTheLog() throws Exception {
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(client("run", folder.toString(), "--node",
                                                                           own)));
        JsonNode run = claim();
        report(run, "building", null);
        append(run, 0, "build", "RUN false\nThe command returned a non-zero code: 1\n");
        report(run, "failed", "\"reason\":\"the build failed\"");
        command.join(30_000);

        assertThat(result.get().code()).isEqualTo(1);
        assertThat(result.get().err()).contains("failed: the build failed");
        String id = run.get("id").asText();
        Cli.Result logs = client("logs", id.substring(0, 8));
        assertThat(logs.code()).as(logs.err()).isZero();
        assertThat(logs.out()).isEqualTo("RUN false\nThe command returned a non-zero code: 1\n");
        assertThat(client("logs", "-f", id).out()).isEqualTo(logs.out());
    }

    @Test
    void detachQueuesARunThatRunsListsAndCancelCancelsByShortId() throws Exception {
        String id = detach(folder.toString(), "--node", NODE, "--memory", "64m", "--", "echo", "a b");
        assertThat(id).matches("[0-9a-f-]{36}");

        Cli.Result runs = client("runs", "--state", "queued");
        assertThat(runs.code()).as(runs.err()).isZero();
        List<String> lines = runs.out().lines().toList();
        assertThat(lines.getFirst()).matches("ID +STATE +NODE +EXIT +CREATED +DURATION +COMMAND");
        assertThat(lines).anyMatch(l -> l.startsWith(id.substring(0, 8) + "  queued") && l.contains(NODE)
                && l.endsWith("echo 'a b'"));
        JsonNode json = MAPPER.readTree(client("runs", "--json", "--node", NODE).out());
        assertThat(json.get("items").findValuesAsText("id")).contains(id);

        Cli.Result cancel = client("cancel", id.substring(0, 8));
        assertThat(cancel.code()).as(cancel.err()).isZero();
        assertThat(cancel.out()).isEqualTo(id.substring(0, 8) + "  cancelled\n");
        assertThat(client("runs", "--state", "cancelled").out()).contains(id.substring(0, 8));

        Cli.Result again = client("cancel", id);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("error: ").hasLineCount(1);
    }

    @Test
    void ctrlCWhileFollowingCancelsTheQueuedRun() throws Exception {
        List<String> before = queued();
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(client("run", folder.toString(), "--node",
                                                                           NODE)));
        String id = null;
        for (int i = 0; i < 200 && id == null; i++) {
            Thread.sleep(50);
            id = queued().stream().filter(q -> !before.contains(q)).findFirst().orElse(null);
        }
        assertThat(id).as("the run queued").isNotNull();
        Thread.sleep(300); // following its log by now

        command.interrupt(); // the prompt's Ctrl-C; SIGINT runs the same cancel from a shutdown hook
        command.join(20_000);

        assertThat(result.get()).isNotNull();
        assertThat(result.get().code()).as(result.get().err()).isEqualTo(130);
        assertThat(result.get().err()).contains("cancelling run " + id.substring(0, 8))
                .contains("run " + id.substring(0, 8) + " cancelled");
        assertThat(send("GET", "/api/v1/runs/" + id, null).get("state").asText()).isEqualTo("cancelled");
    }

    @Test
    void atThePromptRunFollowsAndCtrlCCancelsItAndThePromptStays() throws Exception {
        List<String> before = queued();
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        java.io.PipedInputStream in = new java.io.PipedInputStream(keyboard, 64 * 1024);
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        try (org.jline.terminal.Terminal terminal = new org.jline.terminal.impl.DumbTerminal("test",
                org.jline.terminal.Terminal.TYPE_DUMB, in, screen, java.nio.charset.StandardCharsets.UTF_8)) {
            org.jline.terminal.Attributes attributes = terminal.getAttributes();
            attributes.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ISIG, true);
            attributes.setControlChar(org.jline.terminal.Attributes.ControlChar.VINTR, 3);
            terminal.setAttributes(attributes);
            java.io.PrintWriter errors = new java.io.PrintWriter(err, true);
            Session session = Cli.session(env(), "", dir).withStartup(new ClientOptions());
            var commands = ClientCommand.commandLine(session, true, terminal.writer(), errors);
            AtomicReference<Integer> code = new AtomicReference<>();
            Thread shell = Thread.ofPlatform().start(() -> code.set(io.dockhand.client.shell.Shell.run(
                    terminal, commands, errors, dir.resolve("prompt-history"), ClientCommand.PROMPT)));

            keyboard.write(("run " + folder + " --node " + NODE + " -- echo hi\n").getBytes());
            keyboard.flush();
            String id = null;
            for (int i = 0; i < 200 && id == null; i++) {
                Thread.sleep(50);
                id = queued().stream().filter(q -> !before.contains(q)).findFirst().orElse(null);
            }
            assertThat(id).as("the run queued").isNotNull();
            Thread.sleep(300);
            terminal.raise(org.jline.terminal.Terminal.Signal.INT);
            for (int i = 0; i < 200 && !err.toString().contains("cancelled"); i++) {
                Thread.sleep(50);
            }
            keyboard.write("nodes\nexit\n".getBytes());
            keyboard.flush();
            shell.join(20_000);

            assertThat(code.get()).isZero();
            assertThat(err.toString()).contains("run " + id.substring(0, 8) + " queued on " + NODE)
                    .contains("cancelling run " + id.substring(0, 8)).contains("run " + id.substring(0, 8) + " cancelled");
            assertThat(screen.toString(java.nio.charset.StandardCharsets.UTF_8)).containsPattern("ID +STATUS +SWARM");
            assertThat(send("GET", "/api/v1/runs/" + id, null).get("state").asText()).isEqualTo("cancelled");
        }
    }

    private static List<String> queued() throws Exception {
        return store.queued();
    }

    @Test
    void runsAllPrintsEveryRunOnceWithOneHeader() throws Exception {
        String first = detach(folder.toString(), "--node", NODE);
        String second = detach(folder.toString(), "--node", NODE);

        Cli.Result all = client("runs", "--all", "--node", NODE);
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out().lines().filter(l -> l.startsWith("ID "))).hasSize(1);
        assertThat(all.out()).contains(first.substring(0, 8)).contains(second.substring(0, 8));
        JsonNode json = MAPPER.readTree(client("runs", "--all", "--json").out());
        assertThat(json.get("items").findValuesAsText("id")).contains(first, second).doesNotHaveDuplicates();
        assertThat(json.get("nextCursor").isNull()).isTrue();
        assertThat(client("runs", "--all", "--limit", "5").code()).isEqualTo(2);
    }

    @Test
    void badRunsOptionsAndUnknownRunsAreOneLine() {
        Cli.Result state = client("runs", "--state", "sleeping");
        assertThat(state.code()).isEqualTo(2);
        assertThat(state.err()).contains("'sleeping' is not a run state").hasLineCount(1);

        Cli.Result logs = client("logs", "ffffffff");
        assertThat(logs.code()).isEqualTo(1);
        assertThat(logs.err()).isEqualTo("error: no run with an id starting with ffffffff\n");

        Cli.Result bad = client("logs", "not-an-id!");
        assertThat(bad.code()).isEqualTo(2);
    }

    @Test
    void nodesShowsTheRegisteredNodeUpWithItsFacts() throws Exception {
        Cli.Result nodes = client("nodes");

        assertThat(nodes.code()).as(nodes.err()).isZero();
        List<String> lines = nodes.out().lines().toList();
        assertThat(lines.getFirst())
                .matches("ID +STATUS +SWARM +ROLE +ADDRESS +CPUS +MEMORY +CONTAINERS +RUNS +LAST SEEN");
        assertThat(lines).anyMatch(l -> l.matches(NODE + " +up +- +worker +10\\.0\\.0\\.7 +4 +8\\.0GiB +2 +\\d+ +.* ago"));
        JsonNode json = MAPPER.readTree(client("nodes", "--json").out());
        assertThat(json.get("items").findValuesAsText("id")).contains(NODE);
    }
}
