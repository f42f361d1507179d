package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Jobs;
import io.dockhand.client.output.Json;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs status PROJECT}: a project's progress, its tasks counted by state, exit codes and settings. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Shows a project: how many of its tasks are finished, how many are in each state (ready, "
                 + "running, failed and waiting to be tried again, succeeded, dead, cancelled), the exit codes "
                 + "they ended with, and its settings."})
final class JobStatusCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROJECT", description = "The project.")
    String project;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        Settings settings = jobs.client.settings(options);
        try (FailoverClient http = jobs.client.server(settings)) {
            JsonNode status = new JobsApi(http).job(project);
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
}
