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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deployment NAME}: one deployment in detail, with its history. */
@Command(name = "deployment", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Shows a deployment: status (and the step it failed at, and why), repository, branch, "
                 + "commit, revision, replicas, port, image, resource use, and every step of its history with "
                 + "its time."})
final class DeploymentCommand implements Callable<Integer> {
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
        try (FailoverClient http = client.server(settings)) {
            JsonNode d = new DeploymentsApi(http).deployment(name);
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(d));
                out.flush();
            } else {
                Deployments.detail(d, out, client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }
}
