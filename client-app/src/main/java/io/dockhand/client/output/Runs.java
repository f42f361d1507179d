package io.dockhand.client.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs for people: a table printed page by page, and a line about one. */
public final class Runs {
    private static final List<String> HEADERS = List.of("ID", "STATE", "NODE", "EXIT", "CREATED", "DURATION",
                                                        "COMMAND");
    private static final int STATE = 1;

    private Runs() {
    }

    /** A table of runs printed page by page: one header, nothing kept once printed. */
    public static final class Rows {
        private final Table table = new Table(HEADERS);
        private final PrintWriter out;
        private final Colors colors;
        private final Instant now;

        /** Rows for {@code out}; durations of runs not over yet run to {@code now}. */
        public Rows(PrintWriter out, Colors colors, Instant now) {
            this.out = out;
            this.colors = colors;
            this.now = now;
        }

        /** Prints {@code runs} (and the header, the first time). */
        public void print(Iterable<JsonNode> runs) {
            for (JsonNode r : runs) {
                table.row(List.of(shortId(text(r, "id")), text(r, "state"), text(r, "node"),
                                  r.hasNonNull("exitCode") ? r.get("exitCode").asText() : "-",
                                  time(text(r, "createdAt")), duration(r, now), command(r.get("command"))));
            }
            table.print(out, colors, (column, padded, value) -> column == STATE ? colors.state(padded, value)
                    : padded);
        }
    }

    /** The first 8 characters of a run's id, as the table shows it. */
    public static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /** How long a run took from being queued to its end (or to {@code now}), such as {@code 1m05s}. */
    static String duration(JsonNode run, Instant now) {
        Instant created = instant(text(run, "createdAt"));
        if (created == null) {
            return "-";
        }
        Instant end = instant(text(run, "finishedAt"));
        return human(Duration.between(created, end == null ? now : end));
    }

    /** A duration people read at a glance: {@code 850ms}, {@code 4.2s}, {@code 3m07s}, {@code 2h05m}. */
    public static String human(Duration d) {
        long millis = Math.max(0, d.toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60);
    }

    /** The command as a shell would read it back, or {@code -} for the image's own. */
    static String command(JsonNode command) {
        if (command == null || !command.isArray() || command.isEmpty()) {
            return "-";
        }
        List<String> words = new ArrayList<>();
        for (JsonNode word : command) {
            String w = word.asText();
            words.add(w.isEmpty() || w.matches(".*[\\s'\"\\\\$`].*") ? "'" + w.replace("'", "'\\''") + "'" : w);
        }
        return String.join(" ", words);
    }

    static String time(String text) {
        Instant instant = instant(text);
        return instant == null ? text : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String text(JsonNode r, String field) {
        JsonNode value = r.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
