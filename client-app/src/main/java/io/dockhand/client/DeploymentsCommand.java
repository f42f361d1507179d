package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.client.http.DeploymentsApi;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.output.Deployments;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deployments}: every deployment, as a table or JSON. */
@Command(name = "deployments", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists the deployments: name, status, replicas running/wanted, the port it answers on "
                 + "(on every node), revision, commit and when its status last changed."})
final class DeploymentsCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (as --format json).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        try (FailoverClient http = client.server(settings)) {
            JsonNode all = new DeploymentsApi(http).deployments();
            PrintWriter out = spec.commandLine().getOut();
            if (json || settings.format() == Format.JSON) {
                out.println(Json.pretty(all));
                out.flush();
            } else {
                Deployments.table(all.path("items"), out, client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }
}
