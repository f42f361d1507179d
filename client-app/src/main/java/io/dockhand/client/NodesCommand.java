package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Nodes;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nodes}: the cluster's nodes as their agents report them, with swarm's view beside. */
@Command(name = "nodes", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists the cluster's nodes: up while their agent is heard from (down after 10s of "
                 + "silence), swarm's own view (state/availability), role, address, CPUs, memory, containers "
                 + "running, runs in progress, and when the agent was last heard from."})
final class NodesCommand implements Callable<Integer> {
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
            JsonNode nodes = new RunsApi(http).nodes();
            PrintWriter out = spec.commandLine().getOut();
            if (json || settings.format() == Format.JSON) {
                out.println(Json.pretty(nodes));
                out.flush();
            } else {
                Nodes.table(nodes.path("items"), out, client.colors(settings), Instant.now());
            }
            return ExitCodes.OK;
        }
    }
}
