package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.api.TaskState;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Jobs;
import io.dockhand.client.output.Json;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs tasks PROJECT}: a project's tasks, oldest first, paged as {@code runs} is. */
@Command(name = "tasks", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists a project's tasks, oldest first: id, state, attempts made of those it gets, exit "
                 + "code, when it was submitted and finished, and its command."})
final class JobTasksCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROJECT", description = "The project.")
    String project;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only tasks in this state: ready, running, failed, succeeded, dead or cancelled.")
    String state;

    @Option(names = "--limit", paramLabel = "N", description = "Show the first N (default 20, at most 1000).")
    Integer limit;

    @Option(names = "--all", description = "Show every match, page after page as they come.")
    boolean all;

    @Option(names = "--json", description = "Print JSON (as --format json).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        if (all && limit != null) {
            throw new ParameterException(spec.commandLine(), "--all and --limit exclude each other");
        }
        if (limit != null && (limit < 1 || limit > Listing.MAX_LIMIT)) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + Listing.MAX_LIMIT);
        }
        String wanted = null;
        if (state != null) {
            try {
                wanted = TaskState.of(state.strip()).wire();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--state: " + e.getMessage());
            }
        }
        Settings settings = jobs.client.settings(options);
        Format format = json ? Format.JSON : settings.format();
        PrintWriter out = spec.commandLine().getOut();
        String inState = wanted;
        int size = all ? Listing.MAX_LIMIT : limit == null ? Listing.DEFAULT_LIMIT : limit;
        try (FailoverClient http = jobs.client.server(settings)) {
            JobsApi api = new JobsApi(http);
            Jobs.TaskRows rows = new Jobs.TaskRows(out, jobs.client.colors(settings));
            if (all) {
                Listing.showAll(cursor -> api.tasks(project, size, cursor, inState), out, format, rows::print, "tasks",
                                "--state");
                return ExitCodes.OK;
            }
            JsonNode page = api.tasks(project, size, null, inState);
            if (format == Format.JSON) {
                out.println(Json.pretty(page));
                out.flush();
                return ExitCodes.OK;
            }
            rows.print(page.path("items"));
            if (page.path("nextCursor").textValue() != null) {
                spec.commandLine().getErr().println("(more: add --all, or a larger --limit)");
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }
}
