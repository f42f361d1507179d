package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.dockhand.api.RunState;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Runs;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code runs}: the runs the store knows, newest first, as a table or JSON. */
@Command(name = "runs", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists runs, newest first: id, state, node, exit code, when it was submitted, how long it "
                 + "took and its command."})
final class RunsCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--node", paramLabel = "NODE", description = "Only runs of this node.")
    String node;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only runs in this state: queued, assigned, building, running, succeeded, failed, "
                    + "cancelled or lost.")
    String state;

    @Option(names = "--limit", paramLabel = "N", description = "Show the newest N (default 20, at most 1000).")
    Integer limit;

    @Option(names = "--all", description = "Show every match, page after page as they come.")
    boolean all;

    @Option(names = "--json", description = "Print JSON (as --format json).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (all && limit != null) {
            throw new ParameterException(spec.commandLine(), "--all and --limit exclude each other");
        }
        if (limit != null && (limit < 1 || limit > Listing.MAX_LIMIT)) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + Listing.MAX_LIMIT);
        }
        String wanted = null;
        if (state != null) {
            try {
                wanted = RunState.of(state.strip()).wire();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--state: " + e.getMessage());
            }
        }
        Settings settings = client.settings(options);
        Format format = json ? Format.JSON : settings.format();
        PrintWriter out = spec.commandLine().getOut();
        String state = wanted;
        int size = all ? Listing.MAX_LIMIT : limit == null ? Listing.DEFAULT_LIMIT : limit;
        try (FailoverClient http = client.server(settings)) {
            RunsApi api = new RunsApi(http);
            Runs.Rows rows = new Runs.Rows(out, client.colors(settings), Instant.now());
            if (all) {
                Listing.showAll(cursor -> api.runs(size, cursor, node, state), out, format, rows::print, "runs",
                                "--node or --state");
                return ExitCodes.OK;
            }
            JsonNode page = api.runs(size, null, node, state);
            if (format == Format.JSON) {
                out.println(Json.pretty(page));
                out.flush();
                return ExitCodes.OK;
            }
            rows.print(page.path("items"));
            if (page.path("nextCursor").textValue() != null) {
                spec.commandLine().getErr().println("(more: add --all, or a larger --limit)");
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }
}
