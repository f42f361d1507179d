package io.dockhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.dockhand.server.StoreServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image, built offline from {@code dockhand/jre:21} under a throw-away tag: in a container on the default bridge
 * the client finds the agent at its default gateway, asks the real info agent (its packaged jar, run on this host
 * and listening on all addresses) who it is, posts to a store on the host, and runs piped lines. Every container
 * and the image carry the label {@code io.dockhand.test} and are removed afterwards, even on failure; the agent's
 * process is killed.
 */
class ImageIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BASE = "dockhand/jre:21";
    private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String LABEL = "io.dockhand.test=client-image-" + RUN_ID;
    private static final String IMAGE = "dockhand/client:it-" + RUN_ID;

    @TempDir
    static Path dir;
    private static StoreServer store;
    private static JarProcess agent;
    private static String gateway;

    /** What a docker command left. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void buildImageAndStartServices() throws Exception {
        if (docker(Duration.ofSeconds(30), "", "image", "inspect", BASE).code() != 0) {
            Path script = Path.of(System.getProperty("dockhand.root", "..")).resolve("provision/offline-base.sh");
            Process build = new ProcessBuilder(script.toString()).inheritIO().start();
            assertThat(build.waitFor()).as(script + " builds " + BASE).isZero();
        }
        Path module = Path.of(System.getProperty("dockhand.client.jar", "target/client-app.jar"))
                .toAbsolutePath().getParent().getParent();
        Run build = docker(Duration.ofMinutes(5), "", "build", "-q", "--build-arg", "BASE_IMAGE=" + BASE,
                           "--label", LABEL, "-t", IMAGE, module.toString());
        assertThat(build.code()).as("docker build: %s", build.err()).isZero();
        gateway = bridgeGateway();
        store = Stores.start(dir.resolve("store"), "0.0.0.0");
        agent = JarProcess.agent(Map.of("SERVER_PORT", "0", "SERVER_HOST", "0.0.0.0"), dir.resolve("agent.log"));
    }

    @AfterAll
    static void removeEverything() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            try {
                if (store != null) {
                    store.close();
                }
            } finally {
                removeLabelled();
            }
        }
    }

    private static void removeLabelled() throws Exception {
        String left = docker(Duration.ofSeconds(30), "", "ps", "-aq", "--filter", "label=" + LABEL).out().strip();
        if (!left.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(left.lines().toList());
            docker(Duration.ofSeconds(60), "", rm.toArray(String[]::new));
        }
        docker(Duration.ofSeconds(60), "", "image", "rm", "-f", IMAGE);
    }

    /** The default bridge's gateway: as configured, else (engines that leave it out) the subnet's first host. */
    private static String bridgeGateway() throws Exception {
        JsonNode ipam = MAPPER.readTree(docker(Duration.ofSeconds(30), "", "network", "inspect", "bridge", "--format",
                                               "{{json .IPAM.Config}}").out()).path(0);
        if (!ipam.path("Gateway").asText().isEmpty()) {
            return ipam.get("Gateway").asText();
        }
        String network = ipam.path("Subnet").asText().split("/")[0];
        String[] octets = network.split("\\.");
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + (Integer.parseInt(octets[3]) + 1);
    }

    private static Run client(String stdin, List<String> env, String... args) throws Exception {
        return client(List.of(), stdin, env, args);
    }

    private static Run client(List<String> runOptions, String stdin, List<String> env, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "-i", "--label", LABEL));
        command.addAll(runOptions);
        for (String variable : env) {
            command.add("-e");
            command.add(variable);
        }
        command.add(IMAGE);
        command.addAll(List.of(args));
        return docker(Duration.ofMinutes(2), stdin, command.toArray(String[]::new));
    }

    private static String server() {
        return "DOCKHAND_SERVER=http://" + gateway + ":" + store.port();
    }

    @Test
    void findsTheAgentAtTheDefaultGatewayOfTheContainer() throws Exception {
        Run status = client("", List.of(server()), "status", "--format", "json", "--timeout", "2s");

        JsonNode json = MAPPER.readTree(status.out());
        assertThat(json.at("/agent/0/url").asText()).isEqualTo("http://" + gateway + ":5002");
        assertThat(json.at("/server/0/version").asText()).startsWith("dockhand-server ");
    }

    @Test
    void postsTheRealAgentsFactsAboutItsOwnContainerAndReadsThemBackWithPipedLines() throws Exception {
        List<String> env = List.of(server(), "DOCKHAND_AGENT=http://" + gateway + ":" + agent.port());
        Path cidfile = dir.resolve("post.cid");
        Run post = client(List.of("--cidfile", cidfile.toString()), "", env, "post");
        assertThat(post.code()).as("post; stderr: %s; agent log: %s", post.err(), agentLog()).isZero();
        assertThat(post.err()).isEmpty();
        String containerId = Files.readString(cidfile).strip();
        assertThat(containerId).matches("[0-9a-f]{64}");

        Run piped = client("get --container " + containerId + " --format json\nexit\n", env);
        assertThat(piped.code()).as("piped get; stderr: %s", piped.err()).isZero();
        String imageId = docker(Duration.ofSeconds(30), "", "image", "inspect", "--format", "{{.Id}}", IMAGE)
                .out().strip();
        assertThat(MAPPER.readTree(piped.out()).get("items")).singleElement().satisfies(r -> {
            assertThat(r.get("id").asText()).isEqualTo(post.out().substring(0, 36));
            assertThat(r.get("containerId").asText()).isEqualTo(containerId);
            assertThat(r.get("image").asText()).isEqualTo(IMAGE);
            assertThat(r.get("imageId").asText()).isEqualTo(imageId);
        });
    }

    private static String agentLog() throws IOException {
        Path log = dir.resolve("agent.log");
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }

    @Test
    void anUnreachableServerExitsWith3FromTheImage() throws Exception {
        Run get = client("", List.of("DOCKHAND_SERVER=http://" + gateway + ":1"), "get", "--timeout", "1s");

        assertThat(get.code()).isEqualTo(3);
        assertThat(get.err()).startsWith("error: cannot reach the server: connection refused")
                .contains("http://" + gateway + ":1/api/v1/records?limit=20");
    }

    private static Run docker(Duration timeout, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker " + args[0] + " did not end within " + timeout);
        }
        return new Run(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
