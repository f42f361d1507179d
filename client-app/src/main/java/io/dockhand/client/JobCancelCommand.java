package io.dockhand.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs cancel PROJECT [TASK...]}: cancels unfinished tasks; each gets a cancelled result. */
@Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Cancels the named tasks (none named: every unfinished task of PROJECT): a waiting one at "
                 + "once, a running one when its agent has stopped it (it counts here). Each gets a cancelled "
                 + "result on Done; a finished task is left as it is. Needs the cluster token."})
final class JobCancelCommand implements Callable<Integer> {
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
            return counted(new JobsApi(http).cancel(project, tasks, token), "cancelled", project, tasks,
                           "already finished", spec, settings);
        }
    }

    /**
     * Prints {@code {"<what>": n}} as {@code <what> n tasks of PROJECT}, or as JSON; when fewer than the
     * {@code named} tasks were, says on stderr that the others were left as they were ({@code why}).
     */
    static int counted(JsonNode answer, String what, String project, List<String> named, String why,
                       CommandSpec spec, Settings settings) {
        PrintWriter out = spec.commandLine().getOut();
        long n = answer.path(what).asLong();
        if (settings.format() == Format.JSON) {
            out.println(Json.pretty(answer));
        } else {
            out.println(what + " " + n + (n == 1 ? " task" : " tasks") + " of " + SafeText.line(project));
        }
        out.flush();
        long left = named.stream().distinct().count() - n;
        if (!named.isEmpty() && left > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("(" + left + " of the tasks named " + (left == 1 ? "was" : "were") + " left as "
                    + (left == 1 ? "it was: " : "they were: ") + why + ")");
            err.flush();
        }
        return ExitCodes.OK;
    }
}
