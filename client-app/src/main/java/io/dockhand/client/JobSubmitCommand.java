package io.dockhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.http.Reasons;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Records;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jobs submit}: one task from the options, or many from a JSON-lines file streamed as it is read; prints how
 * many the store took and how many it had already.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Submits one task to PROJECT: the repository at --repo (its HEAD, or --ref) is cloned by a "
                 + "worker, its Dockerfile built, and COMMAND run in the image. After --, each word is one "
                 + "argument, as typed: a single quoted word holding spaces ('echo 1') stays ONE argument, the "
                 + "program's name; give --shell 'echo 1 | wc' for a shell line (sh -c). Without either, the "
                 + "image's own command runs.",
                 "With --tasks FILE, submits every task of a JSON-lines file instead (- for stdin), one JSON object "
                         + "a line: {\"taskId\": \"t1\", \"repo\": \"URL\", \"ref\": \"main\", \"dockerfile\": "
                         + "\"Dockerfile\", \"command\": [\"echo\", \"1\"] or \"echo 1\", \"env\": {\"K\": \"V\"}, "
                         + "\"timeout\": \"5m\"}. The file is sent as it is read; a wrong line stops it and "
                         + "nothing is stored.",
                 "A task id already in the project with the same task is counted as already there, and changes "
                         + "nothing: submitting again is safe."},
         footer = {"", "Here --timeout is each attempt's time limit; the request timeout is dockhand's own "
                 + "--timeout (before jobs) or DOCKHAND_TIMEOUT.",
                 "Exit codes: 0 submitted; 1 the store refused; 2 bad usage or a wrong line; 3 the store "
                         + "unreachable."})
final class JobSubmitCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project (made when it is new).")
    String project;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND",
                description = "After --: the command and its arguments, one word each.")
    List<String> command = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "URL", description = "The git repository (https://, git://, ssh:// or "
            + "a path on the nodes).")
    String repo;

    @Option(names = "--ref", paramLabel = "REF", description = "A branch, tag or commit (default: the repository's "
            + "HEAD).")
    String ref;

    @Option(names = "--dockerfile", paramLabel = "PATH",
            description = "The Dockerfile's path in the repository (default Dockerfile).")
    String dockerfile;

    @Option(names = "--task-id", paramLabel = "ID", description = "The task's id in the project (default: a new "
            + "UUID): 1 to 256 printable characters without '/'.")
    String taskId;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
            description = "An environment variable for the command; KEY alone takes its value from here. "
                    + "Repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop each attempt after DURATION (such as 30s or 10m); the attempt then fails.")
    String timeout;

    @Option(names = "--shell", paramLabel = "LINE", description = "A shell line to run (sh -c LINE) instead of "
            + "COMMAND.")
    String shell;

    @Option(names = "--tasks", paramLabel = "FILE",
            description = "Submit every task of this JSON-lines file (- for stdin) instead of one.")
    String tasks;

    @Option(names = "--server", paramLabel = "URLS",
            description = "Store base URLs, comma-separated (env DOCKHAND_SERVER; default http://server:5001).")
    String server;

    @Option(names = "--format", paramLabel = "FORMAT", converter = ClientOptions.FormatConverter.class,
            completionCandidates = ClientOptions.Formats.class, description = "Output: table or json.")
    Format format;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        ClientOptions own = new ClientOptions();
        own.server = server;
        own.format = format;
        own.verbose = verbose;
        if (tasks != null) {
            return submitFile(own);
        }
        byte[] task = task();
        Settings settings = jobs.client.settings(own);
        String token = ClusterToken.find(jobs.client.session());
        try (FailoverClient http = jobs.client.server(settings)) {
            return print(new JobsApi(http).submit(project, task, token), settings);
        }
    }

    private int submitFile(ClientOptions own) throws InterruptedException {
        if (repo != null || ref != null || dockerfile != null || taskId != null || !env.isEmpty() || timeout != null
                || shell != null || !command.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--tasks takes every task from its file: "
                    + "--repo, --ref, --dockerfile, --task-id, -e, --timeout, --shell and a command are for one task");
        }
        Settings settings = jobs.client.settings(own);
        String token = ClusterToken.find(jobs.client.session());
        boolean stdin = tasks.equals("-");
        String source = stdin ? "stdin" : tasks;
        try (InputStream in = stdin ? jobs.client.session().in() : open(Path.of(tasks))) {
            TaskLines lines = new TaskLines(in, source, project);
            lines.readFirst();
            AtomicLong sent = new AtomicLong();
            try (FailoverClient http = jobs.client.server(settings)) {
                JsonNode answer;
                try {
                    // the store stores them once all have come: 1 ms a task (the enqueue rate it must reach)
                    answer = new JobsApi(http).submitLines(project, token, lines, sent,
                                                           () -> settings.timeout().plusMillis(lines.tasks()));
                } catch (IOException e) {
                    if (lines.problem() != null) {
                        throw ExitException.usage(lines.problem() + "; nothing was submitted");
                    }
                    throw new ExitException(ExitCodes.ERROR, "the upload of " + source + " failed after "
                            + Records.bytes(sent.get()) + ": " + Reasons.of(e));
                }
                return print(answer, settings);
            }
        } catch (IOException e) {
            throw new ExitException(ExitCodes.ERROR, "cannot read " + source + ": " + Reasons.of(e));
        }
    }

    private static InputStream open(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw ExitException.usage(file + " is a folder, not a file of tasks");
            }
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw ExitException.usage("no such file: " + file);
        } catch (IOException e) {
            throw ExitException.usage("cannot read " + file + ": " + Reasons.of(e));
        }
    }

    private int print(JsonNode submission, Settings settings) {
        PrintWriter out = spec.commandLine().getOut();
        if (settings.format() == Format.JSON) {
            out.println(Json.pretty(submission));
        } else {
            long accepted = submission.path("accepted").asLong();
            out.println("submitted " + accepted + (accepted == 1 ? " task" : " tasks") + " to "
                    + SafeText.line(project) + " (" + submission.path("created").asLong() + " new, "
                    + submission.path("existing").asLong() + " already there)"
                    + (tasks == null ? ": " + SafeText.line(taskId) : ""));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The one task the options describe, as the store reads it. */
    private byte[] task() {
        if (repo == null || repo.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--repo is missing: the git repository to build "
                    + "(or --tasks FILE for many tasks)");
        }
        if (shell != null && !command.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--shell and a command after -- exclude each other");
        }
        if (shell != null && shell.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--shell must hold a command line");
        }
        taskId = taskId == null ? UUID.randomUUID().toString() : JobsCommand.taskId(spec.commandLine(), taskId);
        ObjectNode task = Json.object();
        task.put("taskId", taskId);
        task.put("repo", repo.strip());
        if (ref != null) {
            if (ref.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--ref must name a branch, tag or commit");
            }
            task.put("ref", ref.strip());
        }
        if (dockerfile != null) {
            if (dockerfile.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--dockerfile must name a path");
            }
            task.put("dockerfile", dockerfile.strip());
        }
        if (shell != null) {
            task.put("command", shell);
        } else if (!command.isEmpty()) {
            command.forEach(task.putArray("command")::add);
        }
        ObjectNode variables = Json.object();
        for (String variable : env) {
            String pair = RunCommand.checkEnv(spec.commandLine(), jobs.client.session(), variable);
            if (pair != null) {
                int equals = pair.indexOf('=');
                variables.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        if (!variables.isEmpty()) {
            task.set("env", variables);
        }
        if (timeout != null) {
            task.put("timeout", RunCommand.checkTimeout(spec.commandLine(), timeout));
        }
        return task.toString().getBytes(StandardCharsets.UTF_8);
    }
}
