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

/** {@code jobs task PROJECT TASK}: one task in full, with every attempt. */
@Command(name = "task", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Shows one task: its repository, ref, Dockerfile, command and state, then each attempt: "
                 + "its run, node, state, exit code, commit, when it was cloned, built, started and ended, and why "
                 + "it failed. An attempt's whole output is its run's log: dockhand logs RUN."})
final class JobTaskCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1", paramLabel = "TASK", description = "The task's id.")
    String task;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        JobsCommand.taskId(spec.commandLine(), task);
        Settings settings = jobs.client.settings(options);
        try (FailoverClient http = jobs.client.server(settings)) {
            JsonNode found = new JobsApi(http).task(project, task);
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(found));
                out.flush();
            } else {
                Jobs.task(found, out, jobs.client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }
}
