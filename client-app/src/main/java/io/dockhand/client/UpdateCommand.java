package io.dockhand.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.dockhand.client.http.DeploymentsApi;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.RunsApi;
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

/** {@code update NAME}: deploys the branch's newest commit, or says it is up to date. */
@Command(name = "update", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Deploys the newest commit of a deployment's branch as a rolling update (new replicas "
                 + "healthy before old ones stop), following it as deploy does; says 'up to date' when the branch "
                 + "has not moved. Needs the cluster token."})
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The deployment's name.")
    String name;

    @Option(names = {"-d", "--detach"}, description = "Return once the update is accepted.")
    boolean detach;

    @Override
    public Integer call() throws InterruptedException {
        DeploymentWatch.name(name);
        Settings settings = client.settings(options);
        String token = ClusterToken.find(client.session());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (FailoverClient http = client.server(settings)) {
            DeploymentsApi api = new DeploymentsApi(http);
            JsonNode answer = api.update(name, token);
            JsonNode deployment = answer.path("deployment");
            if (settings.format() == Format.JSON && (detach || !answer.path("updated").asBoolean())) {
                out.println(Json.pretty(answer));
                out.flush();
                return ExitCodes.OK;
            }
            if (!answer.path("updated").asBoolean()) {
                out.println(SafeText.line(name) + " is up to date (" + SafeText.line(answer.path("detail").asText())
                        + ")");
                out.flush();
                return ExitCodes.OK;
            }
            if (detach) {
                out.println(SafeText.line(name) + " updating: " + SafeText.line(answer.path("detail").asText()));
                out.flush();
                return ExitCodes.OK;
            }
            err.println("updating " + DeploymentWatch.started(deployment));
            err.flush();
            return new DeploymentWatch(api, new RunsApi(http), settings, out, err).follow(deployment);
        }
    }
}
