package io.dockhand.client;

import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.RunsApi;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs RUN [-f]}: a run's log (build, output, and the store's own lines), whole or followed. */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Prints a run's log: its build, its container's output and errors as they were written. "
                 + "With -f, keeps printing as the log grows until the run is over."})
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "The run's id, or its start as 'dockhand runs' shows it.")
    String run;

    @Option(names = {"-f", "--follow"}, description = "Follow the log until the run is over.")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        try (FailoverClient http = client.server(settings)) {
            RunsApi api = new RunsApi(http);
            JsonNode found = RunRef.resolve(api, run);
            RunLog.print(api, found.path("id").asText(), follow, spec.commandLine().getOut(), settings.timeout());
            return ExitCodes.OK;
        }
    }
}
