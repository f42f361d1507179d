package io.dockhand.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.dockhand.server.StoreServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dockhand run} end to end, the client as its own process: the real store (in this JVM, with a cluster
 * token), the real agent's jar as its node's executor, and this machine's Docker engine building and running a
 * folder {@code FROM dockhand/debian:bookworm} (the base an offline machine has). Everything the runs leave is
 * labelled with this class's cluster (a random token) and removed at the end.
 */
class RunIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final String TOKEN = "run-it-" + UUID.randomUUID();
    private static final String NODE = "run-it-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path dir;
    private static StoreServer store;
    private static JarProcess agent;

    @BeforeAll
    static void startCluster() throws Exception {
        store = Stores.start(dir.resolve("store"), "127.0.0.1", Map.of("store.token", TOKEN));
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", "0");
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("AGENT_STORE", "http://127.0.0.1:" + store.port());
        env.put("AGENT_TOKEN", TOKEN);
        env.put("AGENT_NODE", NODE);
        env.put("AGENT_HEARTBEAT", "1s");
        env.put("AGENT_CLAIM_WAIT", "2s");
        env.put("AGENT_STOP_GRACE", "2s");
        agent = JarProcess.agent(env, dir.resolve("agent.log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!client("nodes").out().matches("(?s).*" + NODE + " +up .*")) {
            assertThat(System.nanoTime()).as("the node registers").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (store != null) {
            store.close();
        }
        String cluster = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        String filter = "label=io.dockhand.cluster=" + cluster;
        docker("sh", "-c", "ids=$(docker ps -aq --filter " + filter + "); [ -z \"$ids\" ] || docker rm -f $ids");
        docker("sh", "-c", "ids=$(docker images -q --filter " + filter + " | sort -u); [ -z \"$ids\" ] || "
                + "docker rmi -f $ids");
    }

    private static String docker(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static Map<String, String> env() {
        return Map.of("DOCKHAND_SERVER", "http://127.0.0.1:" + store.port(), "DOCKHAND_TOKEN", TOKEN);
    }

    private static Cli.Result client(String... args) throws IOException, InterruptedException {
        return JarProcess.client(env(), "", RUN_TIMEOUT, args);
    }

    private static Path folder(String dockerfile) throws IOException {
        Path folder = Files.createTempDirectory(dir, "app");
        Files.writeString(folder.resolve("Dockerfile"), dockerfile);
        Path script = Files.writeString(folder.resolve("hello.sh"),
                                        "#!/bin/sh\necho \"hello from $(cat /greeting)\"\necho on-stderr >&2\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(folder.resolve("greeting"), "the folder " + folder.getFileName() + "\n");
        Files.writeString(folder.resolve("ignored.bin"), "not sent");
        Files.writeString(folder.resolve(".dockerignore"), "*.bin\n");
        return folder;
    }

    @Test
    void runBuildsTheFolderOnTheNodePrintsItsOutputAndExitsWithItsCode() throws Exception {
        Path folder = folder("FROM dockhand/debian:bookworm\nCOPY greeting /greeting\nCOPY hello.sh /hello.sh\n"
                + "RUN test ! -e /ignored.bin\nCMD [\"/hello.sh\"]\n");

        Cli.Result run = client("run", folder.toString());

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.out()).contains("hello from the folder " + folder.getFileName()).contains("on-stderr");
        assertThat(run.err()).contains("queued on " + NODE);

        Cli.Result again = client("run", folder.toString(), "--memory", "64m", "-e", "WHO=again", "--", "sh", "-c",
                                  "echo \"$WHO $(cat /greeting)\"");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("again the folder " + folder.getFileName());
        assertThat(again.err()).contains("queued on " + NODE);

        String runs = client("runs", "--node", NODE, "--limit", "2").out();
        assertThat(runs).contains("succeeded").contains("failed");
    }

    @Test
    void aFailedBuildPrintsItsLogAndExitsOne() throws Exception {
        Path folder = folder("FROM dockhand/debian:bookworm\nRUN echo building-and-failing && exit 5\n");

        Cli.Result run = client("run", folder.toString());

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("building-and-failing");
        assertThat(run.err()).contains("failed");
    }

    @Test
    void sigintCancelsTheRunAndNoContainerIsLeft() throws Exception {
        Path folder = folder("FROM dockhand/debian:bookworm\nCMD [\"sh\", \"-c\", \"echo started; sleep 120\"]\n");
        String jar = System.getProperty("dockhand.client.jar", "target/client-app.jar");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                                                    jar, "run", folder.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("DOCKHAND_"));
        builder.environment().putAll(env());
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        StringBuilder out = new StringBuilder();
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                                                                              StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null && !line.contains("started"); line = lines.readLine()) {
            out.append(line).append('\n');
        }
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the client ends").isTrue();
        String stderr = err.join();
        assertThat(process.exitValue()).as(out + stderr).isEqualTo(130);
        assertThat(stderr).contains("cancelling run").containsPattern("run [0-9a-f]{8} cancelled");
        String id = client("runs", "--json", "--node", NODE, "--limit", "1").out()
                .replaceAll("(?s).*?\"id\" : \"([0-9a-f-]{36})\".*", "$1");
        assertThat(docker("docker", "ps", "-aq", "--filter", "label=io.dockhand.run=" + id)).isBlank();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
