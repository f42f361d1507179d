package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Runs;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cancel RUN}: cancels a run and prints its state now. */
@Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Cancels a run: a queued one at once; one in progress is stopped by its node's agent "
                 + "(its container stopped and removed). Prints the run's state. Needs the cluster token, as "
                 + "run does."})
final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "The run's id, or its start as 'dockhand runs' shows it.")
    String run;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        String token = ClusterToken.find(client.session());
        try (FailoverClient http = client.server(settings)) {
            RunsApi api = new RunsApi(http);
            String id = RunRef.resolve(api, run).path("id").asText();
            JsonNode now = api.cancel(id, token);
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(now));
            } else {
                String state = SafeText.line(now.path("state").asText());
                boolean requested = now.path("cancelRequested").asBoolean(false) && !RunLog.state(now).isFinal();
                out.println(SafeText.line(Runs.shortId(id)) + "  " + state
                        + (requested ? " (cancel requested: its agent stops it)" : ""));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
