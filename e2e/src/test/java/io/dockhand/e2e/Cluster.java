package io.dockhand.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A single-node swarm on this machine's engine running the stack under a name of its own, made for one test run
 * and taken apart afterwards: the stack, its containers, network and volume, containers the tests started
 * (labelled {@value #TEST_LABEL}), the swarm and the {@code docker_gwbridge} network it brought.
 *
 * <p>It never works in a swarm it did not create: when the engine is already in one, it refuses with a message.
 * A swarm it created carries the node label {@value #TEST_LABEL}{@code =e2e}, so a swarm left over by a run that
 * was killed is recognized and replaced.
 */
final class Cluster implements AutoCloseable {
    static final String TEST_LABEL = "io.dockhand.test";
    static final int AGENT_PORT = 5002;
    private static final String OWN_SWARM = TEST_LABEL + "=e2e";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Path root;
    private final String runId;
    private final String stack;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private boolean gwbridgeExisted;
    private boolean swarmCreated;
    private Thread shutdownHook;

    private Cluster(Path root, String runId, int port) {
        this.root = root;
        this.runId = runId;
        this.stack = "dhe2e" + runId;
        this.port = port;
    }

    /** Builds the images, makes the swarm, deploys the stack and waits until the store answers. */
    static Cluster start(Path root) {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Cluster cluster = new Cluster(root, runId, freePort());
        try {
            cluster.create();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Log lines of the test run, with a prefix so they stand out in Maven's output. */
    static void log(String message) {
        System.out.println("[e2e] " + message);
        System.out.flush();
    }

    private void create() {
        log("run " + runId + ": stack " + stack + ", store published on 127.0.0.1:" + port);
        Docker.ok("version", "--format", "{{.Server.Version}}");
        refuseForeignSwarm();
        requireFreeHostPort(AGENT_PORT, "the agent runs on the host network and listens on it");
        buildImages();
        gwbridgeExisted = Docker.run("network", "inspect", "docker_gwbridge").ok();
        swarmCreated = true;
        shutdownHook = new Thread(this::close, "e2e-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // Loopback is enough for one node and exists on every machine.
        Docker.ok("swarm", "init", "--advertise-addr", "127.0.0.1");
        String node = Docker.ok("info", "--format", "{{.Swarm.NodeID}}");
        Docker.ok("node", "update", "--label-add", OWN_SWARM, "--label-add", "dockhand.data=true", node);
        Docker.Result deploy = Docker.run(Docker.DEFAULT_TIMEOUT, Map.of("DOCKHAND_PORT", Integer.toString(port)),
                                          "stack", "deploy", "--resolve-image", "never", "-c",
                                          root.resolve("swarm-stack.yml").toString(), stack);
        deploy.orThrow();
        awaitReady(READY_TIMEOUT);
    }

    private void refuseForeignSwarm() {
        String state = Docker.ok("info", "--format", "{{.Swarm.LocalNodeState}}");
        if ("inactive".equals(state)) {
            return;
        }
        String labels = Docker.run("node", "inspect", "self", "--format", "{{json .Spec.Labels}}").out();
        if ("active".equals(state) && labels.contains("\"" + TEST_LABEL + "\":\"e2e\"")) {
            log("found a swarm left by an earlier e2e run that did not finish: removing it");
            for (String old : Docker.lines(Docker.ok("stack", "ls", "--format", "{{.Name}}"))) {
                if (old.startsWith("dhe2e")) {
                    Teardown.removeStack(old);
                }
            }
            Docker.ok("swarm", "leave", "--force");
            return;
        }
        throw new IllegalStateException("This Docker engine is already in a swarm (state '" + state + "'). The "
                + "end-to-end test creates its own single-node swarm and never touches one it did not create. "
                + "Run it on an engine outside any swarm (after `provision/local.sh down`, or `docker swarm leave "
                + "--force` if that swarm is yours to drop), or skip the end-to-end tests with -De2e.skip.");
    }

    private static void requireFreeHostPort(int port, String why) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use on this machine; " + why + ". Stop what "
                                                    + "holds it (ss -ltnp 'sport = :" + port + "').", e);
        }
    }

    private void buildImages() {
        Path script = root.resolve("provision/build-images.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing or not executable");
        }
        log("building the images (jars from this Maven build) ...");
        Instant start = Instant.now();
        Docker.execEchoingOutput(List.of(script.toString(), "--no-package", "--quiet"), Duration.ofMinutes(10),
                                    Map.of());
        log("images built in " + Duration.between(start, Instant.now()).toSeconds() + " s");
    }

    /** Waits until every service runs all its tasks and the store answers through the gateway. */
    void awaitReady(Duration timeout) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            List<String> services = Docker.lines(Docker.ok("service", "ls", "--filter",
                    "label=com.docker.stack.namespace=" + stack, "--format", "{{.Name}} {{.Replicas}}"));
            boolean allRunning = services.size() == 3 && services.stream().allMatch(Cluster::fullyRunning);
            int health = status("/observe/health");
            status = String.join(", ", services) + ", store health " + health;
            if (allRunning && health == 200) {
                log("stack ready after " + Duration.between(start, Instant.now()).toSeconds() + " s: " + status);
                return;
            }
            sleep(Duration.ofSeconds(3));
        }
        String tasks = Docker.run("stack", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}",
                                  stack).out();
        throw new IllegalStateException("stack " + stack + " not ready after " + timeout + ": " + status + "\n" + tasks);
    }

    private static boolean fullyRunning(String serviceLine) {
        String[] parts = serviceLine.split("\\s+");
        String[] counts = parts.length > 1 ? parts[1].split("/") : new String[] {"0", "0"};
        return counts.length == 2 && counts[0].equals(counts[1]) && !"0".equals(counts[1]);
    }

    /** HTTP status of a GET on the store through the published port, 0 when nothing answers. */
    int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(store().resolve(path)).timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The store's base URL on this machine: the gateway's host-mode port. */
    URI store() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The stack's attachable overlay network. */
    String network() {
        return stack + "_net";
    }

    /** Label value for containers the tests start, so teardown finds them. */
    String testLabel() {
        return TEST_LABEL + "=" + runId;
    }

    /** This run's short id. */
    String runId() {
        return runId;
    }

    /** IDs of the running containers of the store service. */
    List<String> serverContainers() {
        return Docker.lines(Docker.ok("ps", "-q", "--no-trunc", "--filter", "status=running", "--filter",
                                      "label=com.docker.swarm.service.name=" + stack + "_server"));
    }

    /** A container's address on the stack's network. */
    String addressOf(String container) {
        return Docker.run("inspect", "--format", "{{with index .NetworkSettings.Networks \"" + network()
                + "\"}}{{.IPAddress}}{{end}}", container).out().strip();
    }

    /**
     * The running replica that serves the H2 file to the others: H2 writes its AUTO_SERVER address into
     * {@code /data/dockhand.lock.db}; the replica with that address on the overlay is the one. Empty while no
     * running replica holds it (during a take-over).
     */
    java.util.Optional<String> fileServer() {
        List<String> running = serverContainers();
        for (String container : running) {
            Docker.Result lock = Docker.run("exec", container, "cat", "/data/dockhand.lock.db");
            if (!lock.ok()) {
                continue;
            }
            String address = lock.out().lines().filter(l -> l.startsWith("server="))
                    .map(l -> l.substring("server=".length()).replace("\\:", ":"))
                    .map(l -> l.substring(0, l.lastIndexOf(':'))).findFirst().orElse("");
            for (String candidate : running) {
                if (!address.isEmpty() && address.equals(addressOf(candidate))) {
                    return java.util.Optional.of(candidate);
                }
            }
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    /** Prints what the stack's tasks did and the last lines of each service's log, to explain a failure. */
    void printDiagnostics() {
        log("diagnostics for stack " + stack + ":");
        System.out.println(Docker.run("stack", "ps", "--no-trunc", "--format",
                                      "{{.Name}} {{.Image}} {{.CurrentState}} {{.Error}}", stack).out());
        for (String service : List.of("server", "gateway", "agent")) {
            Docker.Result logs = Docker.run("service", "logs", "--timestamps", "--tail", "60", stack + "_" + service);
            System.out.println("---- " + service + " ----\n" + logs.out() + logs.err());
        }
        System.out.flush();
    }

    @Override
    public synchronized void close() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        shutdownHook = null;
        if (!swarmCreated) {
            return;
        }
        if (Boolean.getBoolean("dockhand.e2e.keep")) {
            log("-Ddockhand.e2e.keep=true: leaving stack " + stack + " and the swarm for inspection; clean up with "
                        + "docker stack rm " + stack + "; docker swarm leave --force");
            return;
        }
        swarmCreated = false;
        log("tearing down run " + runId + " ...");
        List<String> problems = new ArrayList<>();
        Teardown.attempt(problems, () -> Teardown.removeContainersLabelled(testLabel()));
        Teardown.attempt(problems, () -> Teardown.removeStack(stack));
        Teardown.attempt(problems, () -> Docker.ok("swarm", "leave", "--force"));
        if (!gwbridgeExisted) {
            Teardown.attempt(problems, () -> {
                if (Docker.run("network", "inspect", "docker_gwbridge").ok()) {
                    Docker.ok("network", "rm", "docker_gwbridge");
                }
            });
        }
        log(problems.isEmpty() ? "teardown complete: no stack, service, network, volume or swarm left"
                               : "teardown incomplete: " + problems);
    }


    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
