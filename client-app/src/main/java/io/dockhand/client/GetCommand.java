package io.dockhand.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

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
    private static final Pattern FULL_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f-]{1,35}");

    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Mixin
    Listing listing;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ID",
                description = "A record's id, or its start as the table shows it (looked up among the newest "
                        + Listing.MAX_LIMIT + ").")
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
            JsonNode record = find(api, id.strip().toLowerCase(Locale.ROOT));
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

    private static JsonNode find(ServerApi api, String id) throws InterruptedException {
        if (FULL_ID.matcher(id).matches() || !ID_PREFIX.matcher(id).matches()) {
            return api.record(id);
        }
        JsonNode newest = api.records(new ServerApi.Query(Listing.MAX_LIMIT, null, null, null, null, null));
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode record : newest.path("items")) {
            if (record.path("id").asText().startsWith(id)) {
                matches.add(record);
            }
        }
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        if (matches.isEmpty()) {
            throw new ExitException(ExitCodes.ERROR, "no record id starts with '" + id + "' among the newest "
                    + Listing.MAX_LIMIT + "; give the whole id");
        }
        throw new ExitException(ExitCodes.ERROR, "'" + id + "' starts " + matches.size()
                + " record ids; give more of it");
    }
}
