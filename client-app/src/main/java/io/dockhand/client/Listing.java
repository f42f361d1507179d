package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.dockhand.client.http.ServerApi;
import io.dockhand.client.output.Colors;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The filters and paging of {@code get} and {@code containers}, and how their pages are shown. */
final class Listing {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;

    @Option(names = "--limit", paramLabel = "N", description = "Show the newest N (default 20, at most 1000).")
    Integer limit;

    @Option(names = "--all", description = "Show every match, fetching page after page.")
    boolean all;

    @Option(names = "--container", paramLabel = "ID", description = "Only this container (its id or a prefix).")
    String container;

    @Option(names = "--node", paramLabel = "NODE", description = "Only records from this node.")
    String node;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Only containers of this image.")
    String image;

    @Option(names = "--since", paramLabel = "TIME", converter = Durations.Since.class,
            description = "Only observations at or after TIME: a timestamp (2026-11-22T10:15:30Z) or a duration "
                    + "meaning that long ago (10m).")
    Instant since;

    /** A page source: the records listing or the containers listing. */
    interface Pages {
        JsonNode page(ServerApi.Query query) throws InterruptedException;
    }

    boolean narrowed() {
        return limit != null || all || container != null || node != null || image != null || since != null;
    }

    void show(CommandLine cmd, Pages pages, Settings settings, Colors colors) throws InterruptedException {
        if (all && limit != null) {
            throw new CommandLine.ParameterException(cmd, "--all and --limit exclude each other");
        }
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw new CommandLine.ParameterException(cmd, "--limit must be from 1 to " + MAX_LIMIT);
        }
        ServerApi.Query query = new ServerApi.Query(all ? MAX_LIMIT : limit == null ? DEFAULT_LIMIT : limit, null,
                                                    container, node, image, since);
        JsonNode page = pages.page(query);
        List<JsonNode> items = new ArrayList<>();
        page.path("items").forEach(items::add);
        String next = page.path("nextCursor").textValue();
        while (all && next != null) {
            JsonNode more = pages.page(query.from(next));
            more.path("items").forEach(items::add);
            next = more.path("nextCursor").textValue();
        }
        PrintWriter out = cmd.getOut();
        if (settings.format() == Format.JSON) {
            if (all) {
                ObjectNode whole = Json.object();
                whole.putArray("items").addAll(items);
                whole.putNull("nextCursor");
                page = whole;
            }
            out.println(Json.pretty(page));
            out.flush();
            return;
        }
        Records.table(items, out, colors);
        if (next != null) {
            cmd.getErr().println("(more: add --all, or a larger --limit)");
            cmd.getErr().flush();
        }
    }
}
