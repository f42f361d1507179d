package io.dockhand.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dockhand run} against a stand-in store on a real socket: what it uploads and asks for, how it follows the
 * log, what exit code a run's end means, Ctrl-C, and the checks made before anything is sent.
 */
class RunCommandTest {
    private static final String ID = "0a1b2c3d-1111-2222-3333-444455556666";

    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> entries = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>();
    private final CountDownLatch following = new CountDownLatch(1);
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private volatile String log = "Step 1/1 : FROM dockhand/debian:bookworm\nhello\n";
    private volatile String finalRun = run("succeeded", 0, null);
    private volatile boolean holdLog;

    private static String run(String state, Integer exitCode, String reason) {
        return "{\"id\":\"" + ID + "\",\"state\":\"" + state + "\",\"node\":\"node-1\",\"contextBytes\":3072"
                + (exitCode == null ? "" : ",\"exitCode\":" + exitCode)
                + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + ",\"logBytes\":0}";
    }

    @BeforeEach
    void startStore() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        Files.writeString(dir.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\n");
        Files.writeString(dir.resolve("app.sh"), "echo hello\n");
        Files.writeString(dir.resolve("secret.txt"), "x");
        Files.writeString(dir.resolve(".dockerignore"), "secret.txt\n");
    }

    @AfterEach
    void stopStore() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(target);
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (target.startsWith("POST /api/v1/runs?")) {
                authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
                byte[] tar = exchange.getRequestBody().readAllBytes();
                try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
                    for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                        entries.add(e.getName());
                    }
                }
                send(exchange, 201, "application/json", run("queued", null, null));
            } else if (path.endsWith("/logs")) {
                exchange.getResponseHeaders().set("Dockhand-Log-Offset", "0");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(log.getBytes(StandardCharsets.UTF_8));
                out.flush();
                following.countDown();
                if (holdLog) {
                    try {
                        cancelled.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            } else if (path.endsWith("/cancel")) {
                authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                finalRun = run("cancelled", null, "cancelled by a user");
                cancelled.countDown();
                send(exchange, 202, "application/json", finalRun);
            } else if (path.equals("/api/v1/runs/" + ID)) {
                send(exchange, 200, "application/json", finalRun.replace("\"logBytes\":0",
                        "\"logBytes\":" + log.getBytes(StandardCharsets.UTF_8).length));
            } else {
                send(exchange, 404, "application/problem+json", "{\"title\":\"Not found\",\"status\":404}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", "http://127.0.0.1:" + server.getAddress().getPort());
        env.put("DOCKHAND_TOKEN", "s3cret");
        return env;
    }

    private Cli.Result client(Map<String, String> env, String... args) {
        return Cli.run(Cli.session(env, "", dir.resolve("home")), args);
    }

    private Map<String, List<String>> query(String request) {
        Map<String, List<String>> query = new HashMap<>();
        for (String pair : request.substring(request.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            query.computeIfAbsent(kv[0], k -> new ArrayList<>())
                    .add(URLDecoder.decode(kv[1].replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return query;
    }

    @Test
    void uploadsTheFolderPrintsTheLogAndExitsWithTheContainersCode() {
        finalRun = run("failed", 3, "the container exited with 3");

        Cli.Result run = client(env(), "run", dir.toString(), "--cpus", "0.5", "--memory", "256m", "--timeout",
                                "90s", "-e", "A=1", "-e", "B=x y&z", "--", "sh", "-c", "echo hi; exit 3");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.out()).isEqualTo(log);
        assertThat(run.err()).contains("run 0a1b2c3d queued on node-1").contains("failed: the container exited with 3");
        assertThat(authorization.get()).isEqualTo("Bearer s3cret");
        assertThat(contentType.get()).isEqualTo("application/x-tar");
        assertThat(entries).containsExactly(".dockerignore", "Dockerfile", "app.sh");
        String submit = requests.getFirst();
        assertThat(query(submit)).containsEntry("dockerfile", List.of("Dockerfile")).containsEntry("cpus", List.of("0.5"))
                .containsEntry("memory", List.of("256m")).containsEntry("timeout", List.of("90s"))
                .containsEntry("env", List.of("A=1", "B=x y&z")).containsEntry("arg", List.of("sh", "-c", "echo hi; exit 3"));
        assertThat(requests).contains("GET /api/v1/runs/" + ID + "/logs?offset=0&follow=true", "GET /api/v1/runs/" + ID);
    }

    @Test
    void aSucceededRunExitsZeroAndAFailedBuildOne() {
        Cli.Result ok = client(env(), "run", dir.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo(log);

        finalRun = run("failed", null, "the build failed: step 2 returned 1");
        Cli.Result failed = client(env(), "run", dir.toString());
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err()).contains("run 0a1b2c3d failed: the build failed: step 2 returned 1");

        finalRun = run("lost", null, "the agent on node node-1 stopped answering");
        assertThat(client(env(), "run", dir.toString()).code()).isEqualTo(1);
        finalRun = run("cancelled", null, "cancelled by a user");
        assertThat(client(env(), "run", dir.toString()).code()).isEqualTo(130);
    }

    @Test
    void detachPrintsTheIdAndDoesNotFollow() {
        Cli.Result run = client(env(), "run", "--detach", dir.toString());

        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo(ID + "\n");
        assertThat(requests).hasSize(1);
    }

    @Test
    void ctrlCCancelsTheRunWithTheTokenAndExits130() throws Exception {
        holdLog = true;
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = Thread.ofPlatform().start(() -> result.set(client(env(), "run", dir.toString())));
        assertThat(following.await(10, TimeUnit.SECONDS)).isTrue();

        command.interrupt(); // what the prompt's Ctrl-C does; SIGINT runs the same cancel from a shutdown hook
        command.join(15_000);

        assertThat(result.get()).isNotNull();
        assertThat(result.get().code()).isEqualTo(130);
        assertThat(requests).contains("POST /api/v1/runs/" + ID + "/cancel");
        assertThat(authorization.get()).isEqualTo("Bearer s3cret");
        assertThat(result.get().err()).contains("cancelling run 0a1b2c3d").contains("run 0a1b2c3d cancelled");
    }

    @Test
    void aCommandWithoutAFolderRunsInTheCurrentOneAndKeyAloneTakesItsValueFromHere() throws Exception {
        Map<String, String> env = env();
        env.put("FROM_HERE", "v");
        Cli.Result run = client(env, "run", "--detach", "-f", dir.resolve("Dockerfile").toString(), dir.toString(),
                                "-e", "FROM_HERE", "-e", "NOT_SET", "--", "--not-an-option");

        assertThat(run.code()).isZero();
        assertThat(query(requests.getFirst())).containsEntry("env", List.of("FROM_HERE=v"))
                .containsEntry("arg", List.of("--not-an-option"));
    }

    @Test
    void aDockerfileNamedFromTheFolderIsFoundThereAndSentAsItsPathInside() throws Exception {
        Files.createDirectories(dir.resolve("build"));
        Files.writeString(dir.resolve("build/Dockerfile.dev"), "FROM dockhand/debian:bookworm\n");

        Cli.Result run = client(env(), "run", "--detach", dir.toString(), "-f", "build/Dockerfile.dev");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(query(requests.getFirst())).containsEntry("dockerfile", List.of("build/Dockerfile.dev"));
        assertThat(entries).contains("build/", "build/Dockerfile.dev");
    }

    @Test
    void badInputIsOneLineAndExit2BeforeAnythingIsSent() throws Exception {
        Map<String, String> noToken = env();
        noToken.remove("DOCKHAND_TOKEN");
        noToken.put("DOCKHAND_TOKEN_FILE", dir.resolve("missing-token").toString());
        List<Cli.Result> results = List.of(
                client(noToken, "run", dir.toString()),
                client(env(), "run", dir.toString(), "--memory", "lots"),
                client(env(), "run", dir.toString(), "--memory", "1m"),
                client(env(), "run", dir.toString(), "--cpus", "0"),
                client(env(), "run", dir.toString(), "--cpus", "two"),
                client(env(), "run", dir.toString(), "--timeout", "soon"),
                client(env(), "run", dir.toString(), "-e", "=x"),
                client(env(), "run", dir.toString(), "-f", "Nope"),
                client(env(), "run", dir.toString(), "-f", "/etc/hostname"),
                client(env(), "run", dir.resolve("nothing-here").toString()),
                client(env(), "run", dir.toString(), "echo", "hi"));

        for (Cli.Result r : results) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: ");
            assertThat(r.out()).isEmpty();
        }
        assertThat(results.get(0).err()).contains("cluster token file DOCKHAND_TOKEN_FILE").contains("no such file");
        assertThat(results.get(7).err()).contains("no Dockerfile at");
        assertThat(results.get(10).err()).contains("put the command after --");
        assertThat(requests).isEmpty();
    }

    @Test
    void aRefusedTokenIsTheStoresDetailOnOneLine() throws Exception {
        server.removeContext("/");
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(exchange, 403, "application/problem+json", "{\"type\":\"/problems/token-invalid\","
                        + "\"title\":\"Invalid token\",\"status\":403,\"detail\":\"the cluster token is wrong\"}");
            }
        });

        Cli.Result run = client(env(), "run", dir.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: Invalid token: the cluster token is wrong (POST http://127.0.0.1:")
                .hasLineCount(1);
    }
}
