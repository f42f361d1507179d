package io.dockhand.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code destroy NAME [--yes]}: removes a deployment's service, its images and its build cache. */
@Command(name = "destroy", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Destroys a deployment: its service and gateway, its images in the registry, its build cache "
                 + "on the nodes; its name and port become free. Asks first at a terminal; elsewhere needs --yes "
                 + "(without it: exit 2). Needs the cluster token."})
final class DestroyCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The deployment's name.")
    String name;

    @Option(names = {"-y", "--yes"}, description = "Do not ask.")
    boolean yes;

    @Override
    public Integer call() throws InterruptedException, IOException {
        DeploymentWatch.name(name);
        Settings settings = client.settings(options);
        String token = ClusterToken.find(client.session());
        PrintWriter out = spec.commandLine().getOut();
        if (!yes) {
            Session.Asker asker = client.session().asker();
            if (asker == null) {
                throw ExitException.usage("destroy " + name + ": no terminal to confirm at; add --yes to destroy "
                        + "it without asking");
            }
            String answer = asker.ask("Destroy deployment " + name + " (its service, images and build cache)? "
                    + "[y/N] ");
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
                spec.commandLine().getErr().println(SafeText.line(name) + " not destroyed");
                spec.commandLine().getErr().flush();
                return ExitCodes.ERROR;
            }
        }
        try (FailoverClient http = client.server(settings)) {
            JsonNode d = new DeploymentsApi(http).destroy(name, token);
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(d));
            } else {
                out.println(SafeText.line(name) + " " + SafeText.line(d.path("status").asText())
                        + ": a manager removes its service and images");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
