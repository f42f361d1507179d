package io.dockhand.client;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.dockhand.api.JobSettings;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Jobs;
import io.dockhand.client.output.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs settings PROJECT [...]}: changes a project's settings (making it if new) and shows its status. */
@Command(name = "settings", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Changes PROJECT's settings (a project is made by its first settings or task); settings "
                 + "not given keep their values. With none given, shows them. Then prints the project's status. "
                 + "Needs the cluster token to change them."})
final class JobSettingsCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROJECT", description = "The project.")
    String project;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "How many of its tasks run at once; 0 for as many as the nodes take (default 0).")
    Integer concurrency;

    @Option(names = "--attempts", paramLabel = "N", description = "How many attempts a task gets (default 3).")
    Integer attempts;

    @Option(names = "--lease", paramLabel = "DURATION",
            description = "How long a worker may go silent before its task goes to another (default 30s).")
    Duration lease;

    @Option(names = "--backoff", paramLabel = "DURATION",
            description = "The wait before a failed task's second attempt, doubling after each (default 5s, at most "
                    + "5m).")
    Duration backoff;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        ObjectNode body = body();
        Settings settings = jobs.client.settings(options);
        String token = body.isEmpty() ? null : ClusterToken.find(jobs.client.session());
        try (FailoverClient http = jobs.client.server(settings)) {
            JobsApi api = new JobsApi(http);
            JsonNode status = token == null ? api.job(project)
                    : api.settings(project, body.toString().getBytes(StandardCharsets.UTF_8), token);
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(status));
                out.flush();
            } else {
                Jobs.status(status, out, jobs.client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }

    /** The settings given, as {@code PUT} takes them. */
    private ObjectNode body() {
        ObjectNode body = Json.object();
        if (concurrency != null) {
            if (concurrency < 0) {
                throw new ParameterException(spec.commandLine(), "--concurrency must be 0 or more");
            }
            body.put("concurrency", concurrency);
        }
        if (attempts != null) {
            if (attempts < 1) {
                throw new ParameterException(spec.commandLine(), "--attempts must be 1 or more");
            }
            body.put("maxAttempts", attempts);
        }
        if (lease != null) {
            body.put("leaseSeconds", lease.toSeconds());
        }
        if (backoff != null) {
            if (backoff.toSeconds() > JobSettings.MAX_BACKOFF_SECONDS) {
                throw new ParameterException(spec.commandLine(), "--backoff must be at most "
                        + JobSettings.MAX_BACKOFF_SECONDS / 60 + "m");
            }
            body.put("backoffSeconds", backoff.toSeconds());
        }
        return body;
    }
}
