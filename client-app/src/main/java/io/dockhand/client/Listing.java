package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import io.dockhand.client.http.ServerApi;
import io.dockhand.client.output.Colors;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.JsonItems;
import io.dockhand.client.output.Records;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The filters and paging of {@code get} and {@code containers}, and how their pages are shown. {@code --all} prints
 * each page as it comes and stops after {@link #MAX_PAGES} pages or when the store repeats a cursor.
 */
final class Listing {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;
    /** The most pages {@code --all} fetches: a store that never stops paging cannot keep the client running. */
    static final int MAX_PAGES = 1000;
    /** A cursor is a short token; a longer one is not from the store and is not sent back. */
    static final int MAX_CURSOR = 1024;

    @Option(names = "--limit", paramLabel = "N", description = "Show the newest N (default 20, at most 1000).")
    Integer limit;

    @Option(names = "--all", description = "Show every match, printing page after page as they come (at most "
                    + MAX_PAGES + " pages of " + MAX_LIMIT + ").")
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
        PrintWriter out = cmd.getOut();
        if (all) {
            showAll(pages, query, out, settings.format(), colors);
            return;
        }
        JsonNode page = pages.page(query);
        if (settings.format() == Format.JSON) {
            out.println(Json.pretty(page));
            out.flush();
            return;
        }
        new Records.Rows(out, colors).print(page.path("items"));
        if (page.path("nextCursor").textValue() != null) {
            cmd.getErr().println("(more: add --all, or a larger --limit)");
            cmd.getErr().flush();
        }
    }

    /** Prints page after page as it comes, and stops a listing that would never end. */
    private static void showAll(Pages pages, ServerApi.Query query, PrintWriter out, Format format, Colors colors)
            throws InterruptedException {
        Records.Rows rows = new Records.Rows(out, colors);
        showAll(cursor -> pages.page(cursor == null ? query : query.from(cursor)), out, format, rows::print,
                "records", "--since, --node, --container or --image");
    }

    /** Pages of any listing, by cursor ({@code null} for the first). */
    interface Cursors {
        JsonNode page(String cursor) throws InterruptedException;
    }

    /** Prints a page's items as rows. */
    interface RowPrinter {
        void print(Iterable<JsonNode> items);
    }

    /**
     * Prints page after page of a listing as they come (a table, or one JSON document), and stops a listing that
     * would never end: a repeated or overlong cursor, or more than {@link #MAX_PAGES} pages.
     *
     * @param what   what the items are, for messages ("records")
     * @param narrow the options that narrow the listing, for messages
     */
    static void showAll(Cursors pages, PrintWriter out, Format format, RowPrinter rows, String what, String narrow)
            throws InterruptedException {
        Set<String> seen = new HashSet<>();
        long count = 0;
        JsonNode page = pages.page(null);
        try (JsonItems json = format == Format.JSON ? new JsonItems(out) : null) {
            for (int pageCount = 1; ; pageCount++) {
                String next = page.path("nextCursor").textValue();
                if (json != null) {
                    json.page(page.path("items"), next);
                } else {
                    rows.print(page.path("items"));
                }
                count += page.path("items").size();
                if (next == null) {
                    return;
                }
                if (next.length() > MAX_CURSOR || !seen.add(next)) {
                    throw new ExitException(ExitCodes.ERROR, "--all stopped after " + count + " " + what + ": the "
                            + "server sent " + (next.length() > MAX_CURSOR ? "a cursor longer than " + MAX_CURSOR
                            + " characters" : "the same cursor twice") + ", so its pages would not end");
                }
                if (pageCount == MAX_PAGES) {
                    throw new ExitException(ExitCodes.ERROR, "--all stopped after " + MAX_PAGES + " pages ("
                            + count + " " + what + "), the most one listing fetches; narrow it with " + narrow);
                }
                page = pages.page(next);
            }
        }
    }
}
