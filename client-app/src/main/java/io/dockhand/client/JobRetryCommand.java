package io.dockhand.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs retry PROJECT [TASK...]}: puts dead and cancelled tasks back on the project's ToDo. */
@Command(name = "retry", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Puts the named tasks (none named: every dead or cancelled task of PROJECT) back on its "
                 + "ToDo, with a fresh set of attempts; their results leave Done until they end again. A named task "
                 + "that is not dead or cancelled is left as it is; an unknown one is an error, and then nothing is "
                 + "retried. Needs the cluster token."})
final class JobRetryCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TASK", description = "Tasks' ids (default: all).")
    List<String> tasks = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        tasks.forEach(task -> JobsCommand.taskId(spec.commandLine(), task));
        Settings settings = jobs.client.settings(options);
        String token = ClusterToken.find(jobs.client.session());
        try (FailoverClient http = jobs.client.server(settings)) {
            return JobCancelCommand.counted(new JobsApi(http).retry(project, tasks, token), "retried", project,
                                            tasks, "not dead or cancelled", spec, settings);
        }
    }
}
