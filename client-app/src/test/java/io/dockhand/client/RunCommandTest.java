package io.dockhand.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dockhand run} against the real store in this JVM, the test playing the node's agent ({@link RunStore}):
 * what the store recorded of the query and the upload, how the log is followed, what exit code a run's end means;
 * and the checks made before anything is sent, against a port nothing listens on.
 */
class RunCommandTest {
    /** What the store reads in a request line once raised for long specs (issue 11); its default is 4 KiB. */
    private static final Map<String, String> SETTINGS = Map.of(
            "server.protocols.http_1_1.max-prologue-length", "65536",
            // a run whose agent goes silent is lost soon
            "store.runs.lease", "2s");

    @TempDir
    static Path home;
    static RunStore store;
    @TempDir
    Path dir;
    RunStore.Agent agent;

    @BeforeAll
    static void startStore() {
        store = RunStore.start(home, SETTINGS);
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void agentAndFolder() throws Exception {
        agent = store.agent();
        Files.writeString(dir.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\n");
        Files.writeString(dir.resolve("app.sh"), "echo hello\n");
        Files.writeString(dir.resolve("secret.txt"), "x");
        Files.writeString(dir.resolve(".dockerignore"), "secret.txt\n");
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    /** {@code dockhand run} on another thread (it follows until the run ends); {@link Running#end()} waits. */
    private Running start(Map<String, String> env, String... args) {
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(store.client(env, args)));
        return new Running(command, result);
    }

    private Running start(String... args) {
        return start(store.env(), args);
    }

    private record Running(Thread command, AtomicReference<Cli.Result> result) {
        Cli.Result end() throws InterruptedException {
            command.join(30_000);
            assertThat(result.get()).as("the command ended").isNotNull();
            return result.get();
        }
    }

    private static List<String> entries(byte[] tar) throws IOException {
        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e.getName());
            }
        }
        return entries;
    }

    /** The client's environment pointing at a port nothing listens on: whatever it sent would be exit 3. */
    private static Map<String, String> nowhere() throws IOException {
        Map<String, String> env = store.env();
        env.put("DOCKHAND_SERVER", "http://127.0.0.1:" + Stores.closedPort());
        return env;
    }

    @Test
    void theStoreRecordsTheSpecAsTypedAndTheRunExitsWithTheContainersCode() throws Exception {
        Running running = start("run", dir.toString(), "--node", agent.node, "--cpus", "0.5", "--memory", "256m",
                                "--timeout", "90s", "-e", "A=1", "-e", "B=x y&z+%2B=é", "--", "sh", "-c",
                                "echo hi; exit 3", "a+b", "");
        JsonNode claimed = agent.claim();
        JsonNode run = store.run(claimed.get("id").asText());
        assertThat(run.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo hi; exit 3\",\"a+b\",\"\"]");
        assertThat(run.get("env").toString()).isEqualTo("{\"A\":\"1\",\"B\":\"x y&z+%2B=é\"}");
        assertThat(run.get("cpus").asDouble()).isEqualTo(0.5);
        assertThat(run.get("memoryBytes").asLong()).isEqualTo(256L << 20);
        assertThat(run.get("timeoutSeconds").asLong()).isEqualTo(90);
        assertThat(run.get("dockerfile").asText()).isEqualTo("Dockerfile");
        assertThat(run.get("pinned").asBoolean()).isTrue();
        assertThat(entries(agent.context(claimed))).containsExactly(".dockerignore", "Dockerfile", "app.sh");

        agent.report(claimed, "building", null);
        agent.append(claimed, 0, "build", "Step 1/1 : FROM dockhand/debian:bookworm\n");
        agent.report(claimed, "running", null);
        agent.append(claimed, 1, "stdout", "hi\n");
        agent.report(claimed, "failed", "\"exitCode\":3,\"reason\":\"the container exited with 3\"");
        Cli.Result result = running.end();

        assertThat(result.code()).as(result.err()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("Step 1/1 : FROM dockhand/debian:bookworm\nhi\n");
        String shortId = claimed.get("id").asText().substring(0, 8);
        assertThat(result.err()).contains("run " + shortId + " queued on " + agent.node)
                .contains("run " + shortId + " failed: the container exited with 3");
    }

    @Test
    void aSucceededRunExitsZeroAFailedBuildOneALostRunOneACancelledOne130() throws Exception {
        Running ok = start("run", dir.toString(), "--node", agent.node);
        JsonNode run = agent.claim();
        agent.report(run, "running", null);
        agent.append(run, 0, "stdout", "hello\n");
        agent.report(run, "succeeded", "\"exitCode\":0");
        Cli.Result succeeded = ok.end();
        assertThat(succeeded.code()).as(succeeded.err()).isZero();
        assertThat(succeeded.out()).isEqualTo("hello\n");

        Running build = start("run", dir.toString(), "--node", agent.node);
        run = agent.claim();
        agent.report(run, "building", null);
        agent.report(run, "failed", "\"reason\":\"the build failed: step 2 returned 1\"");
        Cli.Result failed = build.end();
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err()).contains("run " + run.get("id").asText().substring(0, 8)
                + " failed: the build failed: step 2 returned 1");

        Running cancelled = start("run", dir.toString(), "--node", agent.node);
        run = agent.claim();
        agent.report(run, "running", null);
        Cli.Result cancel = store.client("cancel", run.get("id").asText());
        assertThat(cancel.code()).as(cancel.err()).isZero();
        agent.report(run, "cancelled", "\"reason\":\"cancelled by a user\"");
        Cli.Result stopped = cancelled.end();
        assertThat(stopped.code()).as(stopped.err()).isEqualTo(130);
        assertThat(stopped.err()).contains(" cancelled");

        Running lost = start("run", dir.toString(), "--node", agent.node);
        run = agent.claim();
        agent.report(run, "running", null);
        agent.close(); // silent from now on: the lease (2 s) expires
        Cli.Result gone = lost.end();
        assertThat(gone.code()).as(gone.err()).isEqualTo(1);
        assertThat(gone.err()).contains("run " + run.get("id").asText().substring(0, 8) + " lost: the agent on node "
                + agent.node + " stopped answering");
    }

    @Test
    void detachPrintsTheIdOfTheQueuedRunAndReturns() throws Exception {
        Cli.Result run = store.client("run", "--detach", dir.toString(), "--node", agent.node);

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).matches("[0-9a-f-]{36}\n");
        assertThat(run.err()).isEmpty();
        assertThat(store.run(run.out().strip()).get("state").asText()).isEqualTo("queued");
    }

    @Test
    void keyAloneTakesItsValueFromHereAndAnUnsetOneIsNotSent() throws Exception {
        Map<String, String> env = store.env();
        env.put("FROM_HERE", "v=1 é");
        Cli.Result run = store.client(env, "run", "--detach", "-f", dir.resolve("Dockerfile").toString(),
                                      dir.toString(), "--node", agent.node, "-e", "FROM_HERE", "-e", "NOT_SET",
                                      "--", "--not-an-option");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode recorded = store.run(run.out().strip());
        assertThat(recorded.get("env").toString()).isEqualTo("{\"FROM_HERE\":\"v=1 é\"}");
        assertThat(recorded.get("command").toString()).isEqualTo("[\"--not-an-option\"]");
        assertThat(recorded.get("dockerfile").asText()).isEqualTo("Dockerfile");
        assertThat(recorded.get("cpus").asDouble()).isZero();
        assertThat(recorded.get("memoryBytes").asLong()).isZero();
        assertThat(recorded.get("timeoutSeconds").asLong()).isZero();
    }

    @Test
    void minusFIsReadFromTheCurrentFolderOrFromTheFolderAndSentAsItsPathInside() throws Exception {
        Files.createDirectories(dir.resolve("build"));
        Files.writeString(dir.resolve("build/Dockerfile.dev"), "FROM dockhand/debian:bookworm\n");
        String fromHere = Path.of("").toAbsolutePath().relativize(dir.resolve("build/Dockerfile.dev")).toString();

        for (String file : List.of("build/Dockerfile.dev", fromHere)) {
            Running running = start("run", dir.toString(), "--node", agent.node, "-f", file);
            JsonNode claimed = agent.claim();
            assertThat(store.run(claimed.get("id").asText()).get("dockerfile").asText()).as(file)
                    .isEqualTo("build/Dockerfile.dev");
            assertThat(entries(agent.context(claimed))).contains("build/", "build/Dockerfile.dev");
            agent.report(claimed, "succeeded", "\"exitCode\":0");
            assertThat(running.end().code()).isZero();
        }
    }

    @Test
    void badInputIsOneLineAndExit2BeforeAnythingIsSent() throws Exception {
        Map<String, String> noToken = nowhere();
        noToken.remove("DOCKHAND_TOKEN");
        noToken.put("DOCKHAND_TOKEN_FILE", dir.resolve("missing-token").toString());
        Map<String, String> env = nowhere();
        List<Cli.Result> results = List.of(
                store.client(noToken, "run", dir.toString()),
                store.client(env, "run", dir.toString(), "--memory", "lots"),
                store.client(env, "run", dir.toString(), "--memory", "1m"),
                store.client(env, "run", dir.toString(), "--cpus", "0"),
                store.client(env, "run", dir.toString(), "--cpus", "two"),
                store.client(env, "run", dir.toString(), "--timeout", "soon"),
                store.client(env, "run", dir.toString(), "-e", "=x"),
                store.client(env, "run", dir.toString(), "-f", "Nope"),
                store.client(env, "run", dir.toString(), "-f", "/etc/hostname"),
                store.client(env, "run", dir.resolve("nothing-here").toString()),
                store.client(env, "run", dir.toString(), "echo", "hi"));

        for (Cli.Result r : results) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: ");
            assertThat(r.out()).isEmpty();
        }
        assertThat(results.get(0).err()).contains("cluster token file DOCKHAND_TOKEN_FILE").contains("no such file");
        assertThat(results.get(7).err()).contains("no Dockerfile at");
        assertThat(results.get(8).err()).contains("is not inside");
        assertThat(results.get(10).err()).contains("put the command after --");
    }

    @Test
    void aCommandAndEnvironmentOver60KiBAreRefusedBeforeTheUploadAndUpToItTheStoreRecordsThem() throws Exception {
        // the request target: /api/v1/runs?dockerfile=Dockerfile&node=...&arg=<filler>
        String prefix = "/api/v1/runs?dockerfile=Dockerfile&node=" + agent.node + "&arg=";
        String filler = "x".repeat(RunCommand.MAX_TARGET_BYTES - prefix.length());

        Running running = start("run", dir.toString(), "--node", agent.node, "--", filler);
        JsonNode claimed = agent.claim();
        assertThat(store.run(claimed.get("id").asText()).get("command").get(0).asText()).isEqualTo(filler);
        agent.report(claimed, "succeeded", "\"exitCode\":0");
        assertThat(running.end().code()).isZero();

        Cli.Result over = store.client(nowhere(), "run", dir.toString(), "--node", agent.node, "--", filler + "x");
        assertThat(over.code()).isEqualTo(2);
        assertThat(over.out()).isEmpty();
        assertThat(over.err()).isEqualTo("error: the command and environment are too long for one request (61 KiB, "
                + "at most 60 KiB); put them in the image or a file in the folder\n");

        // what counts is the encoded size: 12,000 é from this shell's environment are 72,000 bytes of %C3%A9, and
        // the target /api/v1/runs?dockerfile=Dockerfile&env=BIG%3D... 72,045 bytes
        Map<String, String> env = nowhere();
        env.put("BIG", "é".repeat(12_000));
        Cli.Result encoded = store.client(env, "run", dir.toString(), "-e", "BIG");
        assertThat(encoded.code()).isEqualTo(2);
        assertThat(encoded.err()).startsWith("error: the command and environment are too long for one request (71 KiB,")
                .hasLineCount(1);
    }

    @Test
    void aWrongTokenIsTheStoresDetailOnOneLineAndNothingIsQueued() throws Exception {
        List<String> before = store.queued();
        Map<String, String> env = store.env();
        env.put("DOCKHAND_TOKEN", "wrong");

        Cli.Result run = store.client(env, "run", dir.toString(), "--node", agent.node);

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: Forbidden: The bearer token is not this cluster's token.")
                .contains("(POST " + store.base() + "/api/v1/runs?").hasLineCount(1);
        assertThat(store.queued()).isEqualTo(before);
    }
}
