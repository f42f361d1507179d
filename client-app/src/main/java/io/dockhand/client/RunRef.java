package io.dockhand.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.RunsApi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run named on the command line: its full id, or its start as {@code dockhand runs} shows it. The store is asked
 * for the id as given; when it answers 404 for a shorter one (it need not resolve prefixes), the newest runs are
 * searched for the one whose id starts so.
 */
final class RunRef {
    private static final int FULL = 36;
    private static final int PAGE = 1000;
    /** How many pages of runs a prefix is looked for in: the newest 10 000 runs. */
    private static final int PAGES = 10;

    private RunRef() {
    }

    /** The run {@code given} names, as the store has it now. */
    static JsonNode resolve(RunsApi api, String given) throws InterruptedException {
        String id = given.strip().toLowerCase(Locale.ROOT);
        if (!id.matches("[0-9a-f-]{1,36}")) {
            throw ExitException.usage("'" + given + "' is not a run id (the id, or its start as 'dockhand runs' "
                    + "shows it)");
        }
        try {
            return api.run(id);
        } catch (ProblemException e) {
            if (e.status() != 404 || id.length() == FULL) {
                throw e;
            }
        }
        List<JsonNode> matches = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < PAGES; page++) {
            JsonNode runs = api.runs(PAGE, cursor, null, null);
            for (JsonNode run : runs.path("items")) {
                if (run.path("id").asText().startsWith(id)) {
                    matches.add(run);
                }
            }
            cursor = runs.path("nextCursor").textValue();
            if (cursor == null || matches.size() > 1) {
                break;
            }
        }
        if (matches.isEmpty()) {
            throw new ExitException(ExitCodes.ERROR, "no run with an id starting with " + id);
        }
        if (matches.size() > 1) {
            throw new ExitException(ExitCodes.ERROR, "several runs have an id starting with " + id + "; give more "
                    + "of it");
        }
        return matches.getFirst();
    }
}
