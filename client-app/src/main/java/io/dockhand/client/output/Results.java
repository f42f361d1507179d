package io.dockhand.client.output;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A project's results as they arrive, and their aggregate: how many tasks ended in each way, with their exit codes.
 * A task counts once, by its latest result (a task retried meanwhile has a new one).
 */
public final class Results {
    private static final List<String> HEADERS = List.of("TASK", "STATE", "EXIT", "NODE", "ATTEMPTS", "OUTPUT");
    /** How much of a result's output (or reason) a row shows. */
    private static final int OUTPUT_SHOWN = 80;

    private final PrintWriter out;
    private final Colors colors;
    private final Format format;
    private final Table table = new Table(HEADERS);
    private final Map<String, Outcome> byTask = new HashMap<>();

    /** What a task's result says, as the aggregate counts it. */
    private record Outcome(String state, String exitCode) {
    }

    /** Results printed to {@code out}: a row each, or a JSON line each. */
    public Results(PrintWriter out, Colors colors, Format format) {
        this.out = out;
        this.colors = colors;
        this.format = format;
    }

    /** Prints {@code results} (a JSON array, oldest first; the table's header with the first) and counts them. */
    public void print(JsonNode results) {
        for (JsonNode r : results) {
            byTask.put(Runs.text(r, "taskId"), new Outcome(Runs.text(r, "state"),
                                                           r.hasNonNull("exitCode") ? r.get("exitCode").asText()
                                                                   : "none"));
            if (format == Format.JSON) {
                out.println(Json.compact(r));
            } else {
                table.row(List.of(Runs.text(r, "taskId"), Runs.text(r, "state"), Jobs.exit(r),
                                  Jobs.orDash(Runs.text(r, "node")), Runs.text(r, "attempt"), output(r)));
            }
        }
        if (format != Format.JSON && !results.isEmpty()) {
            table.print(out, colors, (column, padded, value) -> column == 1 ? colors.state(padded, value) : padded);
        }
        out.flush();
    }

    /** How many tasks have a result. */
    public int tasks() {
        return byTask.size();
    }

    /** How many ended in {@code state}. */
    public long count(String state) {
        return byTask.values().stream().filter(o -> o.state().equals(state)).count();
    }

    /**
     * Prints the aggregate: {@code N tasks: S succeeded, D dead, C cancelled; exit codes: 0×S, 3×2, none×1}, or as
     * JSON {@code {"aggregate": {...}}} on one line.
     *
     * @param finished whether every task of the project had its result at the end
     */
    public void aggregate(boolean finished) {
        Map<String, Long> codes = new TreeMap<>();
        byTask.values().forEach(o -> codes.merge(o.exitCode(), 1L, Long::sum));
        ObjectNode summary = Json.object();
        summary.put("tasks", tasks());
        summary.put("succeeded", count("succeeded"));
        summary.put("dead", count("dead"));
        summary.put("cancelled", count("cancelled"));
        ObjectNode exitCodes = summary.putObject("exitCodes");
        codes.forEach(exitCodes::put);
        summary.put("finished", finished);
        if (format == Format.JSON) {
            ObjectNode line = Json.object();
            line.set("aggregate", summary);
            out.println(Json.compact(line));
        } else {
            out.println(tasks() + (tasks() == 1 ? " task: " : " tasks: ") + count("succeeded") + " succeeded, "
                    + count("dead") + " dead, " + count("cancelled") + " cancelled; exit codes: "
                    + Jobs.exitCodes(exitCodes) + (finished ? "" : " (the project is not finished)"));
        }
        out.flush();
    }

    /** A succeeded task's output, else why it failed, on one line and cut short. */
    private static String output(JsonNode r) {
        String text = "succeeded".equals(Runs.text(r, "state")) ? Runs.text(r, "stdout").strip()
                : Runs.text(r, "reason");
        String line = SafeText.line(text);
        return line.length() > OUTPUT_SHOWN ? line.substring(0, OUTPUT_SHOWN) + "..." : line;
    }
}
