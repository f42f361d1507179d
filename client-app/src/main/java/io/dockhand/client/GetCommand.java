package io.dockhand.client;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ServerApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Records;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code get}: stored records, newest first, as a table or JSON; {@code get <id>} shows one in full. */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Lists stored records, newest first; with an ID, shows that record in full."})
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Mixin
    Listing listing;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ID",
                description = "A record's id, or its start as the table shows it (the store finds the one "
                        + "record whose id starts so).")
    String id;

    @Override
    public Integer call() throws InterruptedException {
        if (id != null && listing.narrowed()) {
            throw new ParameterException(spec.commandLine(), "an ID cannot be combined with filters or paging");
        }
        Settings settings = client.settings(options);
        try (FailoverClient http = client.server(settings)) {
            ServerApi api = new ServerApi(http);
            if (id == null) {
                listing.show(spec.commandLine(), api::records, settings, client.colors(settings));
                return ExitCodes.OK;
            }
            JsonNode record = api.record(id.strip().toLowerCase(Locale.ROOT));
            PrintWriter out = spec.commandLine().getOut();
            if (settings.format() == Format.JSON) {
                out.println(Json.pretty(record));
                out.flush();
            } else {
                Records.detail(record, out, client.colors(settings));
            }
            return ExitCodes.OK;
        }
    }
}
