package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.client.http.DeploymentsApi;
import io.dockhand.client.http.FailoverClient;
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

/** {@code rollback NAME}: serves the previous image again. */
@Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Goes back to a deployment's previous image (a rolling update, as update does) and prints "
                 + "what it rolls back to; 'dockhand deployment NAME' shows when it runs. Needs the cluster token."})
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The deployment's name.")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        DeploymentWatch.name(name);
        Settings settings = client.settings(options);
        String token = ClusterToken.find(client.session());
        try (FailoverClient http = client.server(settings)) {
            JsonNode d = new DeploymentsApi(http).rollback(name, token);
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(d));
            } else {
                out.println(SafeText.line(name) + " rolling back to " + SafeText.line(d.path("image").asText())
                        + " (revision " + d.path("revision").asInt() + ")");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
