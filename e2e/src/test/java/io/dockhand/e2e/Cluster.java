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
 * The stack under a name of its own ({@code dhe2e<run>}), deployed for one test run on this machine's engine and
 * taken apart afterwards: the stack with its containers, network and volumes (the store's data and the
 * registry's storage), the containers the tests started
 * (labelled {@value #TEST_LABEL}), and the images it built (tagged {@value #IMAGE_TAG}, so the {@code :latest}
 * images a running {@code dockhand} stack restarts on are never rebuilt by a test).
 *
 * <p>Where it runs:
 * <ul>
 *   <li>an engine in no swarm: it makes a single-node swarm of its own (node label {@value #TEST_LABEL}{@code =e2e})
 *       and leaves it afterwards, with the {@code docker_gwbridge} network it brought;</li>
 *   <li>the single-node swarm {@code provision/local.sh up} made (node label {@value #LOCAL_SWARM}): it deploys
 *       beside the user's stack, on a free gateway port, a free registry port and (the user's agent holds
 *       {@value #AGENT_PORT}) a free agent port, and leaves the swarm, the user's stack, network, volumes, node
 *       labels and images alone;</li>
 *   <li>any other swarm: it refuses with a message. It never deploys into a swarm it does not own.</li>
 * </ul>
 * What a run that was killed left behind (its swarm, or {@code dhe2e*} stacks in local.sh's swarm) is recognized
 * and removed first.
 */
final class Cluster implements AutoCloseable {
    static final String TEST_LABEL = "io.dockhand.test";
    static final int AGENT_PORT = 5002;
    static final String IMAGE_TAG = "e2e";
    private static final String OWN_SWARM = TEST_LABEL + "=e2e";
    private static final String LOCAL_SWARM = "dockhand.swarm-created-by=local.sh";
    private static final String DATA_LABEL_BY_E2E = "dockhand.data-label-by=e2e";
    private static final String STACK_PREFIX = "dhe2e";
    private static final List<String> IMAGES = List.of("server", "agent", "client", "gateway", "registry");
    /** server, gateway, agent, registry, registry-gateway. */
    private static final int SERVICES = 5;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Path root;
    private final String runId;
    private final String stack;
    private final int port;
    private final int registryPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private int agentPort = AGENT_PORT;
    private String agentUrl;
    private boolean gwbridgeExisted;
    /** Something was made that close() must take apart. */
    private boolean started;
    /** The swarm is this run's own (made by it): close() leaves it. */
    private boolean ownSwarm;
    /** This run's {@code docker swarm init} succeeded: only then may close() leave the swarm. */
    private boolean swarmInitCalled;
    /** This run put dockhand.data=true on the node of local.sh's swarm: close() takes it off again. */
    private boolean dataLabelAdded;
    private Thread shutdownHook;
    private String token;
    private Path tokenDir;
    private Path tokenFile;

    private Cluster(Path root, String runId, int port, int registryPort) {
        this.root = root;
        this.runId = runId;
        this.stack = STACK_PREFIX + runId;
        this.port = port;
        this.registryPort = registryPort;
    }

    /** Builds the images, makes the swarm if needed, deploys the stack and waits until the store answers. */
    static Cluster start(Path root) {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        int port = freePort();
        int registryPort;
        do {
            registryPort = freePort();
        } while (registryPort == port);
        Cluster cluster = new Cluster(root, runId, port, registryPort);
        try {
            cluster.create();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * The stack's own cluster token, a swarm secret the stack's server and agent read; the test keeps a copy in a
     * file readable by its owner only, which a client container gets as a read-only mount (as local.sh does).
     */
    private void createTokenSecret(String name) {
        try {
            token = java.util.UUID.randomUUID().toString().replace("-", "");
            tokenDir = Files.createTempDirectory("dockhand-e2e-token");
            tokenFile = tokenDir.resolve("token");
            Files.writeString(tokenFile, token);
            Docker.ok("secret", "create", "--label", "io.dockhand.test=e2e", name, tokenFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The label the stack's agent puts on every container and image it makes: the cluster's token digest. */
    String clusterLabel() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "io.dockhand.cluster=" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stack's cluster token. */
    String token() {
        return token;
    }

    /**
     * {@code docker run} options that give a client container the cluster token, as the README's prompt does: the
     * token file mounted read-only where the client reads it.
     */
    List<String> tokenOptions() {
        return List.of("--volume", tokenFile + ":/run/secrets/dockhand_token:ro");
    }

    /** How long swarm waits before restarting a killed agent here: longer than a run's lease (10 s). */
    static final Duration AGENT_RESTART_DELAY = Duration.ofSeconds(25);

    /** Log lines of the test run, with a prefix so they stand out in Maven's output. */
    static void log(String message) {
        System.out.println("[e2e] " + message);
        System.out.flush();
    }

    private void create() {
        Docker.ok("version", "--format", "{{.Server.Version}}");
        ownSwarm = !joinLocalSwarm();
        if (isFree(AGENT_PORT)) {
            agentPort = AGENT_PORT;
        } else {
            do {
                agentPort = freePort();
            } while (agentPort == port || agentPort == registryPort);
        }
        log("run " + runId + ": stack " + stack + " in " + (ownSwarm ? "a swarm of its own" : "local.sh's swarm")
                    + ", store published on 127.0.0.1:" + port + ", registry on 127.0.0.1:" + registryPort
                    + ", agent on host port " + agentPort
                    + ", images dockhand/*:" + IMAGE_TAG);
        gwbridgeExisted = Docker.run("network", "inspect", "docker_gwbridge").ok();
        started = true;
        shutdownHook = new Thread(this::close, "e2e-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        buildImages();
        String node;
        if (ownSwarm) {
            // Loopback is enough for one node and exists on every machine.
            Docker.Result init = Docker.run("swarm", "init", "--advertise-addr", "127.0.0.1");
            if (!init.ok()) {
                // Someone (another test run, local.sh) made a swarm on this engine since the check above: it is
                // theirs, and teardown must not leave it.
                throw new IllegalStateException("docker swarm init failed: " + init.err().strip() + " (a swarm "
                        + "made on this engine meanwhile is left alone; run the end-to-end test again when it is gone)");
            }
            swarmInitCalled = true;
            node = Docker.ok("info", "--format", "{{.Swarm.NodeID}}");
            Docker.ok("node", "update", "--label-add", OWN_SWARM, "--label-add", "dockhand.data=true", node);
        } else {
            node = Docker.ok("info", "--format", "{{.Swarm.NodeID}}");
            String labels = nodeLabels();
            if (!labels.contains("\"dockhand.data\":\"true\"")) {
                // local.sh labels its node; someone took the label off. Put it back for this run only.
                dataLabelAdded = true;
                Docker.ok("node", "update", "--label-add", "dockhand.data=true", "--label-add", DATA_LABEL_BY_E2E,
                          node);
            } else {
                dataLabelAdded = labels.contains(quoted(DATA_LABEL_BY_E2E));
            }
        }
        if (agentPort != AGENT_PORT) {
            // A container on the stack's overlay network has docker_gwbridge's gateway as its default gateway.
            String gateway = Docker.ok("network", "inspect", "docker_gwbridge", "--format",
                                       "{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}")
                    .split("\\s+")[0];
            if (gateway.isEmpty()) {
                throw new IllegalStateException("docker_gwbridge has no gateway address: cannot point the client at "
                                                        + "the agent on port " + agentPort);
            }
            agentUrl = "http://" + gateway + ":" + agentPort;
        }
        String tokenSecret = Teardown.tokenSecret(stack);
        createTokenSecret(tokenSecret);
        Docker.Result deploy = Docker.run(Docker.DEFAULT_TIMEOUT,
                Map.of("DOCKHAND_PORT", Integer.toString(port), "DOCKHAND_AGENT_PORT", Integer.toString(agentPort),
                       "DOCKHAND_REGISTRY_PORT", Integer.toString(registryPort),
                       "DOCKHAND_TAG", IMAGE_TAG, "DOCKHAND_TOKEN_SECRET", tokenSecret,
                       "DOCKHAND_AGENT_RESTART_DELAY", AGENT_RESTART_DELAY.toSeconds() + "s"),
                "stack", "deploy", "--resolve-image", "never", "-c", root.resolve("swarm-stack.yml").toString(), stack);
        deploy.orThrow();
        awaitReady(READY_TIMEOUT);
    }

    /**
     * Decides where this run deploys: true for the swarm local.sh made, false for one of the run's own (the engine
     * is in none, or in one a killed run left, which is removed). Any other swarm is refused.
     */
    private boolean joinLocalSwarm() {
        String state = Docker.ok("info", "--format", "{{.Swarm.LocalNodeState}}");
        if ("inactive".equals(state)) {
            return false;
        }
        if (!"active".equals(state)) {
            throw new IllegalStateException("This Docker engine's swarm is in state '" + state + "'. The end-to-end "
                    + "test deploys only into a swarm it made itself or one `provision/local.sh up` made, and touches "
                    + "no other. Fix the engine's swarm (docker info), or skip the end-to-end tests with -De2e.skip.");
        }
        String labels = nodeLabels();
        if (labels.contains(quoted(OWN_SWARM))) {
            log("found a swarm left by an earlier e2e run that did not finish: removing it");
            removeLeftoverStacks();
            Docker.ok("swarm", "leave", "--force");
            return false;
        }
        if (!labels.contains(quoted(LOCAL_SWARM))) {
            throw new IllegalStateException("This Docker engine is in a swarm that neither the end-to-end test nor "
                    + "`provision/local.sh up` made (its node has no label " + OWN_SWARM + " or " + LOCAL_SWARM
                    + "; labels: " + labels.strip() + "). The test never deploys into a swarm it does not own. Run "
                    + "it on an engine outside any swarm, or beside the stack of `provision/local.sh up`, or skip the "
                    + "end-to-end tests with -De2e.skip.");
        }
        if (!"true".equals(Docker.ok("info", "--format", "{{.Swarm.ControlAvailable}}"))) {
            throw new IllegalStateException("This engine is a worker of the swarm local.sh made: run the end-to-end "
                    + "test on its manager, or skip it with -De2e.skip.");
        }
        int nodes = Docker.lines(Docker.ok("node", "ls", "-q")).size();
        if (nodes != 1) {
            throw new IllegalStateException("The swarm local.sh made has " + nodes + " nodes; the end-to-end test "
                    + "builds its images on this engine only and runs in a single-node swarm. Skip it with -De2e.skip.");
        }
        removeLeftoverStacks();
        return true;
    }

    /** Stacks of earlier runs that were killed before their teardown. */
    private static void removeLeftoverStacks() {
        for (String old : Docker.lines(Docker.ok("stack", "ls", "--format", "{{.Name}}"))) {
            if (old.startsWith(STACK_PREFIX)) {
                log("removing stack " + old + ", left by an earlier e2e run that did not finish");
                Teardown.removeStack(old);
            }
        }
    }

    private static String nodeLabels() {
        return Docker.ok("node", "inspect", "self", "--format", "{{json .Spec.Labels}}");
    }

    /** {@code "key":"value"} as the node's labels print in JSON, for {@code key=value}. */
    private static String quoted(String label) {
        int eq = label.indexOf('=');
        return "\"" + label.substring(0, eq) + "\":\"" + label.substring(eq + 1) + "\"";
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void buildImages() {
        Path script = root.resolve("provision/build-images.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing or not executable");
        }
        log("building the images dockhand/*:" + IMAGE_TAG + " (jars from this Maven build) ...");
        Instant start = Instant.now();
        Docker.execEchoingOutput(List.of(script.toString(), "--no-package", "--quiet"), Duration.ofMinutes(10),
                                 Map.of("DOCKHAND_TAG", IMAGE_TAG));
        log("images built in " + Duration.between(start, Instant.now()).toSeconds() + " s");
    }

    /** An image this run built, e.g. {@code dockhand/client:e2e}. */
    static String image(String name) {
        return "dockhand/" + name + ":" + IMAGE_TAG;
    }

    /**
     * {@code docker run} options that let a container on the stack's network find this run's agent: none when it
     * listens on the default port, else {@code DOCKHAND_AGENT}.
     */
    List<String> agentOptions() {
        return agentUrl == null ? List.of() : List.of("--env", "DOCKHAND_AGENT=" + agentUrl);
    }

    /**
     * Runs the client ({@code dockhand ARGS}) in a container on the stack's network, as a user on a node would: this
     * run's agent found, the cluster token mounted as the secret file, {@code dir} as its read-only working folder.
     */
    Docker.Result client(Path dir, Duration limit, String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--label", testLabel(), "--network", network(),
                                                       "--volume", dir + ":/work:ro", "--workdir", "/work"));
        command.addAll(agentOptions());
        command.addAll(tokenOptions());
        command.add(image("client"));
        command.addAll(List.of(args));
        return Docker.run(limit, Map.of(), command.toArray(String[]::new));
    }

    /**
     * Waits until every service runs all its tasks, the store answers through the gateway and the registry
     * through the registry-gateway.
     */
    void awaitReady(Duration timeout) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            List<String> services = Docker.lines(Docker.ok("service", "ls", "--filter",
                    "label=com.docker.stack.namespace=" + stack, "--format", "{{.Name}} {{.Replicas}}"));
            boolean allRunning = services.size() == SERVICES && services.stream().allMatch(Cluster::fullyRunning);
            int health = status("/observe/health");
            int registry = status(registry().resolve("/v2/"));
            status = String.join(", ", services) + ", store health " + health + ", registry /v2/ " + registry;
            if (allRunning && health == 200 && registry == 200) {
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
        return status(store().resolve(path));
    }

    /** HTTP status of a GET, 0 when nothing answers. */
    private int status(URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
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

    /**
     * The registry's port on this machine (the registry-gateway's host-mode port): this engine pushes to and
     * pulls from {@code 127.0.0.1:<port>}, and the stack's agents get that address.
     */
    int registryPort() {
        return registryPort;
    }

    /** The registry's base URL on this machine (its HTTP API, {@code /v2/...}). */
    URI registry() {
        return URI.create("http://127.0.0.1:" + registryPort + "/");
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

    /**
     * IDs of the running containers of a service of the stack ({@code server}, {@code agent}, {@code gateway},
     * {@code registry}, {@code registry-gateway}).
     */
    List<String> containersOf(String service) {
        return Docker.lines(Docker.ok("ps", "-q", "--no-trunc", "--filter", "status=running", "--filter",
                                      "label=com.docker.swarm.service.name=" + stack + "_" + service));
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

    /**
     * A few lines on the store's replicas for a failure message (which, unlike the diagnostics printed before,
     * is repeated in the build's summary): each task's state and error, and the last warnings and errors they logged.
     */
    String serverSummary() {
        StringBuilder out = new StringBuilder("server tasks: ");
        out.append(String.join(" | ", Docker.lines(Docker.run("service", "ps", "--no-trunc", "--format",
                "{{.Name}} {{.CurrentState}} {{.Error}}", stack + "_server").out())));
        Docker.Result logs = Docker.run("service", "logs", "--timestamps", "--tail", "400", stack + "_server");
        List<String> warnings = (logs.out() + "\n" + logs.err()).lines().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("SEVERE")
                        || l.contains("Exception")).toList();
        out.append("\nlast warnings of the server replicas:\n");
        warnings.subList(Math.max(0, warnings.size() - 12), warnings.size())
                .forEach(l -> out.append("  ").append(l.length() > 300 ? l.substring(0, 300) : l).append('\n'));
        return out.toString();
    }

    /** Prints what the stack's tasks did and the last lines of each service's log, to explain a failure. */
    void printDiagnostics() {
        log("diagnostics for stack " + stack + ":");
        System.out.println(Docker.run("stack", "ps", "--no-trunc", "--format",
                                      "{{.Name}} {{.Image}} {{.CurrentState}} {{.Error}}", stack).out());
        for (String service : List.of("server", "gateway", "agent", "registry", "registry-gateway")) {
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
        if (!started) {
            return;
        }
        if (Boolean.getBoolean("dockhand.e2e.keep")) {
            log("-Ddockhand.e2e.keep=true: leaving stack " + stack + " for inspection; clean up with docker stack rm "
                        + stack + (ownSwarm ? "; docker swarm leave --force" : ""));
            return;
        }
        started = false;
        log("tearing down run " + runId + " ...");
        List<String> problems = new ArrayList<>();
        Teardown.attempt(problems, () -> Teardown.removeContainersLabelled(testLabel()));
        Teardown.attempt(problems, () -> Teardown.removeStack(stack));
        if (ownSwarm && swarmInitCalled) {
            Teardown.attempt(problems, () -> {
                if (!"inactive".equals(Docker.ok("info", "--format", "{{.Swarm.LocalNodeState}}"))) {
                    Docker.ok("swarm", "leave", "--force");
                }
            });
            if (!gwbridgeExisted) {
                Teardown.attempt(problems, () -> {
                    if (Docker.run("network", "inspect", "docker_gwbridge").ok()) {
                        Docker.ok("network", "rm", "docker_gwbridge");
                    }
                });
            }
        } else if (dataLabelAdded) {
            Teardown.attempt(problems, () -> Docker.ok("node", "update", "--label-rm", "dockhand.data", "--label-rm",
                                                       DATA_LABEL_BY_E2E.substring(0, DATA_LABEL_BY_E2E.indexOf('=')),
                                                       Docker.ok("info", "--format", "{{.Swarm.NodeID}}")));
        }
        if (token != null) {
            // What this stack's agent ran and built (a test that failed mid-run may leave a container).
            Teardown.attempt(problems, () -> Teardown.removeContainersLabelled(clusterLabel()));
            Teardown.attempt(problems, () -> Teardown.removeImagesLabelled(clusterLabel()));
        }
        Teardown.attempt(problems, () -> Teardown.removeImages(IMAGES.stream().map(Cluster::image).toList()));
        Teardown.attempt(problems, () -> {
            if (tokenDir != null) {
                try {
                    Files.deleteIfExists(tokenFile);
                    Files.deleteIfExists(tokenDir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        log(problems.isEmpty()
                    ? "teardown complete: no stack, service, network, volume, image" + (ownSwarm ? " or swarm" : "")
                      + " of this run left" + (ownSwarm ? "" : "; local.sh's swarm and its stacks left as they were")
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
