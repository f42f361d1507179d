package io.dockhand.agent.engine;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.agent.executor.ServiceState;
import io.dockhand.api.ServiceSpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment seam against a real swarm manager (skipped on an engine in no swarm; run it under the e2e lock on
 * a single-node swarm made for it): an app's service and gateway service made from a {@link ServiceSpec}, its port
 * answering through the gateway in host mode, a rolling update under a loop of requests with none failing, an
 * update to an image that never becomes healthy rolled back by swarm, the service's output followed, and removal.
 * Everything it makes is removed afterwards.
 */
class DockerServicesIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String NETWORK = "dockhand-test-net-" + RUN;
    private static final String NAME = "dh-test-" + RUN;
    private static DockerDriver driver;
    private static ServiceDriver swarm;
    private static final List<String> images = new ArrayList<>();
    private static int port;

    @BeforeAll
    static void swarmManager() throws Exception {
        String state = docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");
        Assumptions.assumeTrue(state.equals("active true"), "the engine is no swarm manager: " + state);
        docker("network", "create", "--driver", "overlay", "--attachable", "--label", "io.dockhand.test=services",
               NETWORK);
        driver = DockerDriver.connect(null, Duration.ofSeconds(30), "test-" + RUN);
        swarm = driver.services();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    @AfterAll
    static void removeEverything() throws Exception {
        if (driver == null) {
            return;
        }
        swarm.remove(NAME + "-gw");
        swarm.remove(NAME);
        await(() -> swarm.tasks(NAME).isEmpty() && swarm.tasks(NAME + "-gw").isEmpty(), Duration.ofSeconds(60));
        try {
            docker("network", "rm", NETWORK);
        } catch (IllegalStateException e) {
            Thread.sleep(3000);
            docker("network", "rm", NETWORK);
        }
        for (String image : images) {
            try {
                docker("rmi", "-f", image);
            } catch (IllegalStateException gone) {
                // removed already
            }
        }
        driver.close();
    }

    /** An image whose server answers {@code text} on port 8000 (Perl: the offline base has no Python). */
    private static String app(String text, boolean healthy) {
        String server = "use IO::Socket::INET; $| = 1; print \"serving " + text + "\\n\"; my $s = IO::Socket::INET->new("
                + "LocalPort => 8000, Listen => 64, ReuseAddr => 1) or die; while (my $c = $s->accept) { "
                + "while (my $l = <$c>) { last if $l =~ /^\\r?$/ } print $c \"HTTP/1.0 200 OK\\r\\nContent-Length: "
                + (text.length() + 1) + "\\r\\nConnection: close\\r\\n\\r\\n" + text + "\\n\"; close $c }";
        String dockerfile = "FROM dockhand/debian:bookworm\nLABEL test.version=" + text + "\n"
                + (healthy ? "CMD [\"perl\", \"-e\", " + jsonString(server) + "]\n"
                : "CMD [\"sh\", \"-c\", \"echo not listening; exec sleep 3600\"]\n");
        String tag = "dockhand-run/svc-" + RUN + ":" + text;
        driver.build(new BuildSpec(tag, Map.of(), null, null, null, 0, Map.of(), "test-" + RUN),
                     new TarContext().file("Dockerfile", dockerfile).stream(), line -> { });
        images.add(tag);
        return tag;
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static ServiceSpec spec(String image, int revision) {
        return new ServiceSpec(NAME, "test-" + RUN, revision, image, 8000, port, "gateway", 2, Map.of("A", "1"), 0, 0,
                               "/", 60, NETWORK, "dockhand/gateway:latest");
    }

    @Test
    void makesUpdatesRollsBackAndRemovesAnAppServiceBehindItsGateway() throws Exception {
        String v1 = app("v1", true);
        String v2 = app("v2", true);
        String broken = app("broken", false);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<String> output = new CopyOnWriteArrayList<>();

        assertThat(swarm.service(NAME)).isEmpty();
        swarm.create(spec(v1, 1));
        swarm.ensureGateway(spec(v1, 1));
        var logs = swarm.logs(NAME, 0, (LogLine line) -> output.add(line.text()), () -> { });
        assertThat(await(() -> running(v1) == 2, Duration.ofSeconds(120))).as("2 healthy v1 replicas").isTrue();
        assertThat(await(() -> answer(http).equals("v1"), Duration.ofSeconds(60))).as("v1 answers on " + port)
                .isTrue();
        ServiceState created = swarm.service(NAME).orElseThrow();
        assertThat(created.image()).isEqualTo(v1);
        assertThat(created.revision()).isEqualTo(1);
        assertThat(created.replicas()).isEqualTo(2);
        assertThat(await(() -> output.stream().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*Z serving v1")),
                         Duration.ofSeconds(20))).as("followed output: " + output).isTrue();
        logs.close();

        // a rolling update under load: no request fails
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread load = Thread.ofVirtual().start(() -> {
            while (loading.get()) {
                String said = answer(http);
                if (said.equals("v1") || said.equals("v2")) {
                    ok.incrementAndGet();
                } else {
                    failures.add(said);
                }
            }
        });
        swarm.update(created, spec(v2, 2));
        boolean updated = await(() -> running(v2) == 2 && "completed".equals(updateState()), Duration.ofSeconds(180));
        loading.set(false);
        load.join();
        assertThat(updated).as("update completed: " + swarm.service(NAME) + " " + swarm.tasks(NAME)).isTrue();
        assertThat(failures).as(ok.get() + " requests answered").isEmpty();
        assertThat(ok.get()).isGreaterThan(10);
        assertThat(answer(http)).isEqualTo("v2");

        // an image that never becomes healthy: swarm rolls the update back
        swarm.update(swarm.service(NAME).orElseThrow(), spec(broken, 3));
        assertThat(await(() -> "rollback_completed".equals(updateState()), Duration.ofSeconds(180)))
                .as("rolled back: " + swarm.service(NAME)).isTrue();
        assertThat(swarm.service(NAME).orElseThrow().image()).isEqualTo(v2);
        assertThat(await(() -> running(v2) == 2, Duration.ofSeconds(60))).isTrue();
        assertThat(answer(http)).isEqualTo("v2");
        assertThat(swarm.tasks(NAME)).anyMatch(t -> broken.equals(t.image()) && !t.running());

        assertThat(swarm.remove(NAME + "-gw")).isTrue();
        assertThat(swarm.remove(NAME)).isTrue();
        assertThat(swarm.remove(NAME)).isFalse();
        assertThat(await(() -> swarm.tasks(NAME).isEmpty(), Duration.ofSeconds(60))).isTrue();
        assertThat(swarm.service(NAME)).isEmpty();
    }

    private static String updateState() {
        return swarm.service(NAME).map(ServiceState::updateState).orElse(null);
    }

    private static long running(String image) {
        return swarm.tasks(NAME).stream().filter(t -> t.running() && "running".equals(t.desiredState())
                && image.equals(t.image())).count();
    }

    private static String answer(HttpClient http) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "status " + response.statusCode();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static boolean await(BooleanSupplier condition, Duration limit) {
        long giveUp = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < giveUp) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // ask again
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out.strip();
    }

}
