package io.dockhand.client.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Job projects and their tasks for people: a table of projects, one project's status, tasks, one task in full. */
public final class Jobs {
    /** The task states in the order they are shown. */
    public static final List<String> STATES = List.of("ready", "running", "failed", "succeeded", "dead",
                                                      "cancelled");
    private static final List<String> PROJECT_HEADERS = List.of("PROJECT", "TASKS", "READY", "RUNNING", "FAILED",
                                                                "SUCCEEDED", "DEAD", "CANCELLED", "PROGRESS");
    private static final List<String> TASK_HEADERS = List.of("TASK", "STATE", "ATTEMPTS", "EXIT", "CREATED",
                                                             "FINISHED", "COMMAND");
    private static final List<String> ATTEMPT_HEADERS = List.of("ATTEMPT", "RUN", "NODE", "STATE", "EXIT",
                                                                "COMMIT", "CLONED", "BUILT", "STARTED", "ENDED",
                                                                "REASON");

    private Jobs() {
    }

    /** One row per project. */
    public static void projects(Iterable<JsonNode> statuses, PrintWriter out, Colors colors) {
        Table table = new Table(PROJECT_HEADERS);
        for (JsonNode s : statuses) {
            List<String> row = new ArrayList<>();
            row.add(Runs.text(s, "project"));
            row.add(Long.toString(s.path("total").asLong()));
            for (String state : STATES) {
                row.add(Long.toString(count(s, state)));
            }
            row.add(progress(s));
            table.row(row);
        }
        table.print(out, colors, (column, padded, value) -> padded);
    }

    /** A project's status: progress, counts by state, exit codes and settings. */
    public static void status(JsonNode s, PrintWriter out, Colors colors) {
        List<String> counts = new ArrayList<>();
        for (String state : STATES) {
            counts.add(colors.state(state, state) + " " + count(s, state));
        }
        JsonNode settings = s.path("settings");
        int concurrency = settings.path("concurrency").asInt(0);
        line(out, colors, "project", SafeText.line(Runs.text(s, "project")));
        line(out, colors, "progress", progress(s) + " finished");
        line(out, colors, "tasks", String.join("  ", counts));
        line(out, colors, "exit codes", exitCodes(s.path("exitCodes")));
        line(out, colors, "settings", "concurrency " + (concurrency == 0 ? "0 (as many as the nodes take)"
                : concurrency) + ", attempts " + settings.path("maxAttempts").asText("?") + ", lease "
                + seconds(settings.path("leaseSeconds")) + ", backoff " + seconds(settings.path("backoffSeconds")));
        out.flush();
    }

    /** {@code finished/total (pct%)}. */
    public static String progress(JsonNode s) {
        long total = s.path("total").asLong();
        long finished = s.path("finished").asLong();
        return finished + "/" + total + " (" + (total == 0 ? 0 : finished * 100 / total) + "%)";
    }

    /** How many tasks of a status are in {@code state}. */
    public static long count(JsonNode s, String state) {
        Iterator<Map.Entry<String, JsonNode>> fields = s.path("counts").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().toLowerCase(Locale.ROOT).equals(state)) {
                return field.getValue().asLong();
            }
        }
        return 0;
    }

    /**
     * Exit codes with how many ended with each, numbers first in order, then {@code none}: {@code 0×38, 3×2,
     * none×1}; {@code -} when there are none.
     */
    public static String exitCodes(JsonNode codes) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        codes.fields().forEachRemaining(entries::add);
        entries.sort((a, b) -> Long.compare(order(a.getKey()), order(b.getKey())));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : entries) {
            parts.add(SafeText.line(entry.getKey()) + "×" + entry.getValue().asLong());
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static long order(String code) {
        try {
            return Integer.parseInt(code);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A table of tasks printed page by page: one header, nothing kept once printed. */
    public static final class TaskRows {
        private final Table table = new Table(TASK_HEADERS);
        private final PrintWriter out;
        private final Colors colors;

        /** Rows for {@code out}. */
        public TaskRows(PrintWriter out, Colors colors) {
            this.out = out;
            this.colors = colors;
        }

        /** Prints {@code tasks} (and the header, the first time). */
        public void print(Iterable<JsonNode> tasks) {
            for (JsonNode t : tasks) {
                table.row(List.of(Runs.text(t, "taskId"), Runs.text(t, "state"), attempts(t), exit(t),
                                  Runs.time(Runs.text(t, "createdAt")), orDash(Runs.time(Runs.text(t, "finishedAt"))),
                                  Runs.command(t.get("command"))));
            }
            table.print(out, colors, (column, padded, value) -> column == 1 ? colors.state(padded, value) : padded);
        }
    }

    /** One task in full: its spec and state, then a row per attempt. */
    public static void task(JsonNode t, PrintWriter out, Colors colors) {
        line(out, colors, "task", SafeText.line(Runs.text(t, "taskId")));
        line(out, colors, "project", SafeText.line(Runs.text(t, "project")));
        line(out, colors, "state", colors.state(SafeText.line(Runs.text(t, "state")), Runs.text(t, "state")));
        line(out, colors, "repo", SafeText.line(Runs.text(t, "repo")));
        line(out, colors, "ref", SafeText.line(orDash(Runs.text(t, "ref"))));
        line(out, colors, "dockerfile", SafeText.line(Runs.text(t, "dockerfile")));
        line(out, colors, "command", SafeText.line(Runs.command(t.get("command"))));
        if (t.path("env").size() > 0) {
            List<String> pairs = new ArrayList<>();
            t.get("env").fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
            line(out, colors, "env", SafeText.line(String.join(" ", pairs)));
        }
        long timeout = t.path("timeoutSeconds").asLong(0);
        line(out, colors, "timeout", timeout == 0 ? "none" : timeout + "s");
        line(out, colors, "attempts", attempts(t));
        if (t.hasNonNull("exitCode")) {
            line(out, colors, "exit code", t.get("exitCode").asText());
        }
        if (t.hasNonNull("reason")) {
            line(out, colors, "reason", SafeText.line(t.get("reason").asText()));
        }
        if (t.hasNonNull("notBefore") && "failed".equals(Runs.text(t, "state"))) {
            line(out, colors, "next attempt", Runs.time(t.get("notBefore").asText()));
        }
        line(out, colors, "created", Runs.time(Runs.text(t, "createdAt")));
        if (t.hasNonNull("finishedAt")) {
            line(out, colors, "finished", Runs.time(t.get("finishedAt").asText()));
        }
        JsonNode attempts = t.path("attempts");
        if (attempts.size() > 0) {
            out.println();
            Table table = new Table(ATTEMPT_HEADERS);
            for (JsonNode a : attempts) {
                String commit = Runs.text(a, "commit");
                table.row(List.of(Runs.text(a, "attempt"), Runs.shortId(Runs.text(a, "runId")),
                                  orDash(Runs.text(a, "node")), Runs.text(a, "state"), exit(a),
                                  orDash(commit.length() > 7 ? commit.substring(0, 7) : commit),
                                  orDash(Runs.time(Runs.text(a, "clonedAt"))),
                                  orDash(Runs.time(Runs.text(a, "builtAt"))),
                                  orDash(Runs.time(Runs.text(a, "startedAt"))),
                                  orDash(Runs.time(Runs.text(a, "endedAt"))), orDash(Runs.text(a, "reason"))));
            }
            table.print(out, colors, (column, padded, value) -> column == 3 ? colors.state(padded, value) : padded);
        }
        out.flush();
    }

    private static void line(PrintWriter out, Colors colors, String label, String safeValue) {
        out.println(colors.bold(label) + " ".repeat(Math.max(1, 13 - label.length())) + safeValue);
    }

    static String attempts(JsonNode t) {
        return t.path("attempt").asInt() + "/" + t.path("maxAttempts").asInt();
    }

    static String exit(JsonNode t) {
        return t.hasNonNull("exitCode") ? t.get("exitCode").asText() : "-";
    }

    private static String seconds(JsonNode value) {
        return value.isNumber() ? value.asLong() + "s" : "?";
    }

    static String orDash(String text) {
        return text == null || text.isEmpty() ? "-" : text;
    }
}
