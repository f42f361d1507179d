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
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs list}: every project with its tasks counted by state and its progress. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists the job projects: how many tasks each has, by state, and how many are finished."})
final class JobListCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = jobs.client.settings(options);
        try (FailoverClient http = jobs.client.server(settings)) {
            JsonNode projects = new JobsApi(http).jobs();
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(projects));
                out.flush();
            } else {
                Jobs.projects(projects.isArray() ? projects : projects.path("items"), out,
                              jobs.client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }
}
