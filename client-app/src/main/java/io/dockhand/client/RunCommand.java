package io.dockhand.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.dockhand.api.RunSpec;
import io.dockhand.api.RunState;
import io.dockhand.api.Sizes;
import io.dockhand.client.context.BuildContext;
import io.dockhand.client.context.ContextTar;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.Reasons;
import io.dockhand.client.http.RequestFailedException;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.Records;
import io.dockhand.client.output.Runs;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code run}: sends a folder as a build context, has a node build and run it, prints its log as it comes and exits
 * with the container's exit code. Ctrl-C cancels the run.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Builds the folder DIR (default .) on a node of the cluster and runs it once, like "
                 + "docker build && docker run: the folder goes as a tar (less what its .dockerignore leaves "
                 + "out), the build log and then the container's output are printed as they come, and the exit "
                 + "code is the container's. Ctrl-C cancels the run.",
                 "Needs the cluster token: DOCKHAND_TOKEN, else the file DOCKHAND_TOKEN_FILE names, else "
                         + "/run/secrets/dockhand_token, else ~/.config/dockhand/token."},
         footer = {"", "Exit codes: the container's; 1 when the run failed without one (its build failed, or it "
                 + "was lost); 2 bad usage; 3 the store unreachable; 130 cancelled (Ctrl-C, or dockhand cancel).",
                 "The request timeout is dockhand's own --timeout (before run) or DOCKHAND_TIMEOUT."})
final class RunCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the cancelled run to reach its final state. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    private static final double LEAST_CPUS = 0.01;
    private static final double MOST_CPUS = 1024;
    private static final long LEAST_MEMORY = 6L << 20;
    /**
     * The longest request target ({@code /api/v1/runs?...}, encoded) sent: the spec, env and command included, travels
     * in the query, and the store reads a request line of up to 64 KiB; the rest is room for the method and version.
     */
    static final int MAX_TARGET_BYTES = 60 * 1024;

    @ParentCommand
    ClientCommand client;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "DIR [-- COMMAND [ARG...]]",
                description = "The folder to build (default .); after --, the command to run instead of the "
                        + "image's own, and its arguments.")
    List<String> positional = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE",
            description = "The Dockerfile, inside DIR: a path from the current folder, as docker build reads it, "
                    + "or from DIR (default DIR/Dockerfile).")
    String file;

    @Option(names = "--node", paramLabel = "NODE",
            description = "Run on this node (default: the live node with the fewest runs in progress).")
    String node;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit, such as 0.5 or 2.")
    String cpus;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, such as 256m or 1g (at least 6m).")
    String memory;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop the container after DURATION (such as 30s or 10m); the run then fails.")
    String timeout;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
            description = "An environment variable for the container; KEY alone takes its value from here. "
                    + "Repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-d", "--detach"}, description = "Print the run's id and return once it is queued.")
    boolean detach;

    @Option(names = "--server", paramLabel = "URLS",
            description = "Store base URLs, comma-separated (env DOCKHAND_SERVER; default http://server:5001).")
    String server;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        Request given = request();
        ClientOptions own = new ClientOptions();
        own.server = server;
        own.verbose = verbose;
        Settings settings = client.settings(own);
        String token = ClusterToken.find(client.session());
        BuildContext context;
        try {
            context = BuildContext.walk(given.dir(), given.dockerfile());
        } catch (BuildContext.InvalidContextException e) {
            throw ExitException.usage(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (FailoverClient http = client.server(settings)) {
            RunsApi api = new RunsApi(http);
            JsonNode run = submit(api, given, context, token, settings);
            String id = run.path("id").asText();
            if (detach) {
                out.println(SafeText.line(id));
                out.flush();
                return ExitCodes.OK;
            }
            err.println("run " + SafeText.line(Runs.shortId(id)) + " queued on "
                    + SafeText.line(run.path("node").asText("?")) + " (" + context.files() + " files, "
                    + Records.bytes(run.path("contextBytes").asLong(0)) + ")");
            err.flush();
            return follow(api, id, token, settings, out, err);
        }
    }

    private JsonNode submit(RunsApi api, Request given, BuildContext context, String token, Settings settings)
            throws InterruptedException {
        AtomicLong sent = new AtomicLong();
        try {
            return api.submit(given.query(), token, body -> ContextTar.write(context, body), sent,
                              settings.timeout());
        } catch (IOException e) {
            throw new ExitException(ExitCodes.ERROR, "the upload of " + context.root() + " failed after "
                    + Records.bytes(sent.get()) + ": " + Reasons.of(e));
        }
    }

    /** Follows the log until the run is over; Ctrl-C (an interrupt here, or SIGINT) cancels it. */
    private int follow(RunsApi api, String id, String token, Settings settings, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        AtomicBoolean cancelling = new AtomicBoolean();
        Runnable cancel = () -> {
            if (cancelling.compareAndSet(false, true)) {
                cancelAndWait(api, id, token, err);
            }
        };
        Thread hook = new Thread(cancel, "dockhand-cancel");
        boolean hooked = addHook(hook);
        try {
            JsonNode last = RunLog.print(api, id, true, out, settings.timeout());
            JsonNode end = last == null ? api.run(id) : last;
            if (cancelling.get()) {
                // SIGINT: the shutdown hook cancels and reports with this client; the JVM exits 130 after it.
                if (hook.getState() != Thread.State.NEW) {
                    hook.join(CANCEL_WAIT.plusSeconds(5).toMillis());
                }
                return ExitCodes.INTERRUPTED;
            }
            return outcome(end, err);
        } catch (InterruptedException e) {
            cancel.run();
            return ExitCodes.INTERRUPTED;
        } finally {
            if (hooked) {
                removeHook(hook);
            }
        }
    }

    /** Asks for the run to be cancelled and waits a little for it to end, saying what became of it. */
    static void cancelAndWait(RunsApi api, String id, String token, PrintWriter err) {
        boolean interrupted = Thread.interrupted();
        String shortId = SafeText.line(Runs.shortId(id));
        try {
            err.println("cancelling run " + shortId + " ...");
            err.flush();
            JsonNode run;
            try {
                run = api.cancel(id, token);
            } catch (ProblemException e) {
                if (e.status() != 409) {
                    throw e;
                }
                run = api.run(id);
            }
            long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
            while (!RunLog.state(run).isFinal() && System.nanoTime() < deadline) {
                Thread.sleep(250);
                run = api.run(id);
            }
            RunState state = RunLog.state(run);
            err.println(state.isFinal() ? "run " + shortId + " " + state.wire()
                    : "run " + shortId + " is still " + state.wire() + "; its agent stops it");
        } catch (RequestFailedException e) {
            err.println("error: cancelling run " + shortId + " failed: " + SafeText.line(e.getMessage()));
        } catch (InterruptedException e) {
            err.println("run " + shortId + ": cancel requested");
        } finally {
            err.flush();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The exit code a finished run means, its reason on stderr when it did not succeed. */
    static int outcome(JsonNode run, PrintWriter err) {
        RunState state = RunLog.state(run);
        String reason = run.hasNonNull("reason") ? SafeText.line(run.get("reason").asText()) : null;
        String shortId = SafeText.line(Runs.shortId(run.path("id").asText()));
        Integer exit = run.hasNonNull("exitCode") ? run.get("exitCode").asInt() : null;
        int code = switch (state) {
            case SUCCEEDED -> exit == null ? ExitCodes.OK : exit;
            case CANCELLED -> ExitCodes.INTERRUPTED;
            case FAILED -> exit == null ? ExitCodes.ERROR : exit;
            case LOST -> ExitCodes.ERROR;
            default -> ExitCodes.ERROR;
        };
        if (state != RunState.SUCCEEDED) {
            err.println(state.isFinal()
                    ? "run " + shortId + " " + state.wire() + (reason == null ? "" : ": " + reason)
                    : "error: run " + shortId + " is still " + state.wire() + " but its log ended");
            err.flush();
        }
        return code;
    }

    /** The options, checked here before anything is sent. */
    private Request request() {
        int dashes = commandStart();
        List<String> dirs = positional.subList(0, positional.size() - dashes);
        List<String> command = positional.subList(positional.size() - dashes, positional.size());
        if (dirs.size() > 1) {
            throw new ParameterException(spec.commandLine(), "one folder only (" + String.join(" ", dirs) + "); "
                    + "put the command after --, as in: dockhand run . -- echo hello");
        }
        Path dir = Path.of(dirs.isEmpty() ? "." : dirs.getFirst()).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw ExitException.usage(dir + " is not a folder");
        }
        String dockerfile = dockerfile(dir);
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        query.add(RunSpec.DOCKERFILE + "=" + encode(dockerfile));
        if (node != null) {
            if (node.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--node must name a node");
            }
            query.add(RunSpec.NODE + "=" + encode(node.strip()));
        }
        if (cpus != null) {
            query.add(RunSpec.CPUS + "=" + encode(checkCpus(cpus)));
        }
        if (memory != null) {
            query.add(RunSpec.MEMORY + "=" + encode(checkMemory(memory)));
        }
        if (timeout != null) {
            query.add(RunSpec.TIMEOUT + "=" + encode(checkTimeout(timeout)));
        }
        for (String variable : env) {
            String pair = checkEnv(variable);
            if (pair != null) {
                query.add(RunSpec.ENV + "=" + encode(pair));
            }
        }
        for (String word : command) {
            query.add(RunSpec.ARG + "=" + encode(word));
        }
        // encoded, the target is ASCII: its length is its size in bytes
        int target = io.dockhand.api.Paths.RUNS.length() + query.length();
        if (target > MAX_TARGET_BYTES) {
            throw ExitException.usage("the command and environment are too long for one request ("
                    + (target + 1023) / 1024 + " KiB, at most " + MAX_TARGET_BYTES / 1024 + " KiB); put them in the "
                    + "image or a file in the folder");
        }
        return new Request(dir, dockerfile, query.toString());
    }

    /** How many positional words came after {@code --} (the command), found in the words as typed. */
    private int commandStart() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int self = -1;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(spec.name())) {
                self = i;
                break;
            }
        }
        for (int i = self + 1; i < args.size(); i++) {
            if (args.get(i).equals("--")) {
                return Math.min(positional.size(), args.size() - i - 1);
            }
        }
        return 0;
    }

    /**
     * The Dockerfile's path inside {@code dir}: {@code -f} read from the current folder, as docker build does, or
     * from {@code dir} when that names no file inside {@code dir} and this does.
     */
    private String dockerfile(Path dir) {
        if (file == null) {
            return "Dockerfile";
        }
        if (file.isBlank()) {
            throw new ParameterException(spec.commandLine(), "-f must name a Dockerfile");
        }
        Path fromHere = Path.of(file).toAbsolutePath().normalize();
        Path fromDir = dir.resolve(file).normalize();
        Path chosen;
        if (Path.of(file).isAbsolute() || Files.exists(fromHere) && fromHere.startsWith(dir)) {
            chosen = fromHere;
        } else if (Files.exists(fromDir)) {
            chosen = fromDir;
        } else {
            chosen = Files.exists(fromHere) ? fromHere : fromDir;
        }
        if (!chosen.startsWith(dir)) {
            throw ExitException.usage("the Dockerfile " + chosen + " is not inside " + dir + ", the folder sent");
        }
        return dir.relativize(chosen).toString().replace('\\', '/');
    }

    private String checkCpus(String text) {
        try {
            double value = Double.parseDouble(text.strip());
            if (value >= LEAST_CPUS && value <= MOST_CPUS) {
                return text.strip();
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ParameterException(spec.commandLine(), "--cpus must be a number from 0.01 to 1024, not '"
                + text + "'");
    }

    private String checkMemory(String text) {
        long bytes;
        try {
            bytes = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--memory: " + e.getMessage());
        }
        if (bytes < LEAST_MEMORY) {
            throw new ParameterException(spec.commandLine(), "--memory must be at least 6m (Docker's least), not '"
                    + text + "'");
        }
        return Sizes.format(bytes);
    }

    private String checkTimeout(String text) {
        return checkTimeout(spec.commandLine(), text);
    }

    /** A container's time limit ({@code --timeout} of run and jobs submit), at least 1s, as the API writes it. */
    static String checkTimeout(CommandLine cmd, String text) {
        Duration duration;
        try {
            duration = io.dockhand.api.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "--timeout: " + e.getMessage());
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ParameterException(cmd, "--timeout must be at least 1s, not '" + text + "'");
        }
        return io.dockhand.api.Durations.format(duration);
    }

    /** {@code KEY=VALUE} as given, or {@code KEY} with its value here ({@code null}: not set here, not sent). */
    private String checkEnv(String variable) {
        return checkEnv(spec.commandLine(), client.session(), variable);
    }

    /**
     * {@code -e KEY=VALUE} as given, or {@code KEY} with its value in {@code session} ({@code null}: not set there,
     * not sent); of run and jobs submit.
     */
    static String checkEnv(CommandLine cmd, Session session, String variable) {
        int equals = variable.indexOf('=');
        String key = equals < 0 ? variable : variable.substring(0, equals);
        if (key.isEmpty() || !key.matches("[^\\s=\\x00]+")) {
            throw new ParameterException(cmd, "-e takes KEY=VALUE (or KEY to pass its value from "
                    + "here), not '" + variable + "'");
        }
        if (variable.indexOf('\0') >= 0) {
            throw new ParameterException(cmd, "-e " + key + ": a value cannot hold a NUL character");
        }
        if (equals >= 0) {
            return variable;
        }
        String here = session.env().get(key);
        return here == null ? null : key + "=" + here;
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs
        }
    }

    /**
     * The run as the command line asks for it.
     *
     * @param dir        the folder, absolute
     * @param dockerfile the Dockerfile's path in it
     * @param query      the query of {@code POST /api/v1/runs}
     */
    private record Request(Path dir, String dockerfile, String query) {
    }
}
