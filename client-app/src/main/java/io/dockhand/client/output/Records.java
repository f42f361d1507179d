package io.dockhand.client.output;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Stored records for people: a table of many, every field of one, a line about one just stored. {@code verified}
 * (whether the agent vouched for the record) reads yes, no, or ? in the table and unknown in full when absent.
 */
public final class Records {
    private static final List<String> HEADERS = List.of("ID", "CONTAINER", "NAME", "IMAGE", "NODE", "STATE", "CPU%",
                                                        "MEM", "VERIFIED", "OBSERVED");
    private static final int STATE = 5;
    private static final List<String> DETAIL_ORDER = List.of("id", "containerId", "name", "image", "imageId", "state",
                                                             "node", "nodeId", "verified", "service", "task",
                                                             "createdAt", "cpuPercent", "memoryBytes",
                                                             "memoryLimitBytes", "observedAt", "receivedAt", "labels",
                                                             "networks");
    private static final Set<String> SIZES = Set.of("memoryBytes", "memoryLimitBytes");

    private Records() {
    }

    /** One row per record, in the order given. */
    public static void table(List<JsonNode> records, PrintWriter out, Colors colors) {
        new Rows(out, colors).print(records);
    }

    /** A table of records printed page by page: one header, nothing kept once printed. */
    public static final class Rows {
        private final Table table = new Table(HEADERS);
        private final PrintWriter out;
        private final Colors colors;

        /** Rows for {@code out}. */
        public Rows(PrintWriter out, Colors colors) {
            this.out = out;
            this.colors = colors;
        }

        /** Prints {@code records} (and the header, the first time). */
        public void print(Iterable<JsonNode> records) {
            for (JsonNode r : records) {
                table.row(List.of(prefix(text(r, "id"), 8), prefix(text(r, "containerId"), 12), name(r),
                                  text(r, "image"), text(r, "node"), text(r, "state"), cpu(r), memory(r),
                                  verified(r.get("verified"), "?"), time(text(r, "observedAt"))));
            }
            table.print(out, colors, (column, padded, value) -> column == STATE ? colors.state(padded, value)
                    : padded);
        }
    }

    /** Every field of one record, one per line, the familiar ones first. */
    public static void detail(JsonNode record, PrintWriter out, Colors colors) {
        Set<String> keys = new LinkedHashSet<>();
        DETAIL_ORDER.stream().filter(key -> record.has(key) || key.equals("verified")).forEach(keys::add);
        record.fieldNames().forEachRemaining(keys::add);
        int width = keys.stream().map(SafeText::line).mapToInt(String::length).max().orElse(0);
        for (String key : keys) {
            String safeKey = SafeText.line(key);
            String label = colors.bold(safeKey) + " ".repeat(Math.max(0, width - safeKey.length()) + 2);
            String indent = " ".repeat(width + 2);
            List<String> lines = values(key, record.get(key));
            for (int i = 0; i < lines.size(); i++) {
                out.println(((i == 0 ? label : indent) + SafeText.line(lines.get(i))).stripTrailing());
            }
        }
        out.flush();
    }

    /** A line about a record: what container, where, in what state, using what; safe for a terminal. */
    public static String summary(JsonNode r) {
        return SafeText.line(unsafeSummary(r));
    }

    private static String unsafeSummary(JsonNode r) {
        StringBuilder line = new StringBuilder(prefix(text(r, "containerId"), 12));
        if (!name(r).isEmpty()) {
            line.append(' ').append(name(r));
        }
        if (!text(r, "image").isEmpty()) {
            line.append(" (").append(text(r, "image")).append(')');
        }
        if (!text(r, "node").isEmpty()) {
            line.append(" on ").append(text(r, "node"));
        }
        List<String> facts = new ArrayList<>();
        if (!text(r, "state").isEmpty()) {
            facts.add(text(r, "state"));
        }
        if (r.hasNonNull("cpuPercent")) {
            facts.add("cpu " + cpu(r) + "%");
        }
        if (r.hasNonNull("memoryBytes")) {
            facts.add("mem " + memory(r));
        }
        facts.add("observed " + time(text(r, "observedAt")));
        return line.append(": ").append(String.join(", ", facts)).toString();
    }

    /** A byte count in binary units: {@code 512B}, {@code 12.3MiB}. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    private static List<String> values(String key, JsonNode value) {
        if (key.equals("verified")) {
            return List.of(verified(value, "unknown"));
        }
        if (value == null || value.isNull()) {
            return List.of("");
        }
        if (value.isObject()) {
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                lines.add(e.getKey() + "=" + (e.getValue().isValueNode() ? e.getValue().asText() : e.getValue()));
            }
            return lines.isEmpty() ? List.of("") : lines;
        }
        if (value.isArray()) {
            return List.of(value.toString());
        }
        if (SIZES.contains(key) && value.canConvertToLong()) {
            return List.of(bytes(value.asLong()) + " (" + value.asLong() + ")");
        }
        return List.of(value.asText());
    }

    /** Whether the agent vouched for a record: yes, no, or {@code unknown} when the store did not say. */
    private static String verified(JsonNode value, String unknown) {
        return value == null || !value.isBoolean() ? unknown : value.booleanValue() ? "yes" : "no";
    }

    private static String name(JsonNode r) {
        String name = text(r, "name");
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static String cpu(JsonNode r) {
        return r.hasNonNull("cpuPercent") ? String.format(Locale.ROOT, "%.2f", r.get("cpuPercent").asDouble()) : "-";
    }

    private static String memory(JsonNode r) {
        return r.hasNonNull("memoryBytes") && r.get("memoryBytes").canConvertToLong()
                ? bytes(r.get("memoryBytes").asLong()) : "-";
    }

    private static String time(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static String text(JsonNode r, String field) {
        JsonNode value = r.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static String prefix(String text, int length) {
        return text.length() > length ? text.substring(0, length) : text;
    }
}
