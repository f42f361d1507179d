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

/** {@code deploy GIT_URL}: deploys an app from git, follows its build and waits until it runs or fails. */
@Command(name = "deploy", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Deploys the app in a git repository (its dockhand.toml or shipwreck.toml says what it is) "
                 + "as a swarm service: the store checks the repository, branch, manifest, name and port; a node "
                 + "builds and pushes the image; a manager starts the service. Prints the build log as it comes, "
                 + "then the URL once the app is healthy (or the step that failed and why, exit 1). Needs the "
                 + "cluster token."})
final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "GIT_URL", description = "The repository (git://, http(s)://, ssh or a path the store "
            + "can reach).")
    String repo;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch (default: the repository's HEAD).")
    String branch;

    @Option(names = "--name", paramLabel = "NAME", description = "The deployment's name (default: the manifest's "
            + "[app] name).")
    String name;

    @Option(names = {"-d", "--detach"}, description = "Print the deployment's name and return once it is accepted.")
    boolean detach;

    @Override
    public Integer call() throws InterruptedException {
        if (repo.isBlank()) {
            throw ExitException.usage("GIT_URL must name a repository");
        }
        if (branch != null && branch.isBlank()) {
            throw ExitException.usage("--branch must name a branch");
        }
        if (name != null) {
            DeploymentWatch.name(name);
        }
        Settings settings = client.settings(options);
        String token = ClusterToken.find(client.session());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (FailoverClient http = client.server(settings)) {
            DeploymentsApi api = new DeploymentsApi(http);
            JsonNode created = api.deploy(repo.strip(), branch == null ? null : branch.strip(), name, token);
            if (detach) {
                out.println(settings.format() == Format.JSON ? Json.pretty(created)
                        : SafeText.line(created.path("name").asText()));
                out.flush();
                return ExitCodes.OK;
            }
            err.println("deploying " + DeploymentWatch.started(created));
            err.flush();
            return new DeploymentWatch(api, new RunsApi(http), settings, out, err).follow(created);
        }
    }
}
