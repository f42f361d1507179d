package io.dockhand.client.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** Deployments for people: a table of them, and one in detail with its history. */
public final class Deployments {
    private static final List<String> HEADERS = List.of("NAME", "STATUS", "REPLICAS", "CPU", "MEMORY", "PORT",
                                                        "REVISION", "COMMIT", "UPDATED");
    private static final int STATUS = 1;

    private Deployments() {
    }

    /**
     * A table: name, status, replicas running/wanted, CPU and memory use ({@code -} when unknown), port, revision,
     * commit (12), last change.
     */
    public static void table(JsonNode deployments, PrintWriter out, Colors colors) {
        Table table = new Table(HEADERS);
        for (JsonNode d : deployments) {
            table.row(List.of(Runs.text(d, "name"), Runs.text(d, "status"), replicas(d), cpu(d), memory(d),
                              Runs.text(d, "publishedPort"), Runs.text(d, "revision"), commit(d),
                              Runs.time(Runs.text(d, "updatedAt"))));
        }
        table.print(out, colors, (column, padded, value) -> column == STATUS ? colors.state(padded, value) : padded);
    }

    /** One deployment: what it runs and where it answers, then every step of its history with its time. */
    public static void detail(JsonNode d, PrintWriter out, Colors colors) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"name", Runs.text(d, "name")});
        fields.add(new String[] {"status", Runs.text(d, "status")
                + (d.hasNonNull("failedStep") ? " at " + Runs.text(d, "failedStep") : "")});
        if (d.hasNonNull("reason")) {
            fields.add(new String[] {"reason", Runs.text(d, "reason")});
        }
        fields.add(new String[] {"repo", Runs.text(d, "repo") + " (branch " + Runs.text(d, "branch") + ")"});
        fields.add(new String[] {"commit", Runs.text(d, "commit")});
        fields.add(new String[] {"revision", Runs.text(d, "revision")});
        fields.add(new String[] {"replicas", replicas(d) + " running"});
        fields.add(new String[] {"port", Runs.text(d, "publishedPort") + endpoint(d)});
        JsonNode config = d.path("manifest").path("config");
        if (!config.isMissingNode()) {
            fields.add(new String[] {"lang", Runs.text(config, "lang")});
        }
        fields.add(new String[] {"image", Runs.text(d, "image")});
        if (d.hasNonNull("previousImage")) {
            fields.add(new String[] {"previous", Runs.text(d, "previousImage")});
        }
        fields.add(new String[] {"usage", usage(d)});
        fields.add(new String[] {"created", Runs.time(Runs.text(d, "createdAt"))});
        fields.add(new String[] {"updated", Runs.time(Runs.text(d, "updatedAt"))});
        int width = fields.stream().mapToInt(f -> f[0].length()).max().orElse(0);
        for (String[] field : fields) {
            // a reason ends with the build log's or the app's last lines: kept as lines, indented
            java.util.List<String> lines = field[1].lines().toList();
            for (int i = 0; i < Math.max(1, lines.size()); i++) {
                String label = i == 0 ? colors.bold(field[0]) + " ".repeat(width - field[0].length() + 2)
                        : " ".repeat(width + 2);
                out.println((label + SafeText.line(lines.isEmpty() ? "" : lines.get(i))).stripTrailing());
            }
        }
        JsonNode history = d.path("history");
        if (history.isArray() && !history.isEmpty()) {
            out.println();
            out.println(colors.bold("history"));
            Table steps = new Table(List.of("TIME", "STATUS", "DETAIL"));
            for (JsonNode event : history) {
                steps.row(List.of(Runs.time(Runs.text(event, "at")), Runs.text(event, "status"),
                                  Runs.text(event, "detail")));
            }
            steps.print(out, colors, (column, padded, value) -> column == 1 ? colors.state(padded, value) : padded);
        }
        out.flush();
    }

    /**
     * What its replicas use, as the store sums the live nodes' figures: {@code cpu 12.5%, mem 96.0MiB (2 containers)},
     * or why there is no figure.
     */
    public static String usage(JsonNode d) {
        if (!d.hasNonNull("cpuPercent") && !d.hasNonNull("memoryBytes")) {
            return "unknown (no live node reports a container of it)";
        }
        int measured = d.path("measuredContainers").asInt(-1);
        return "cpu " + cpu(d) + ", mem " + memory(d) + (measured < 0 ? ""
                : " (" + measured + (measured == 1 ? " container)" : " containers)"));
    }

    private static String cpu(JsonNode d) {
        return d.hasNonNull("cpuPercent") ? String.format(Locale.ROOT, "%.1f%%", d.get("cpuPercent").asDouble())
                : "-";
    }

    private static String memory(JsonNode d) {
        return d.hasNonNull("memoryBytes") && d.get("memoryBytes").canConvertToLong()
                ? Records.bytes(d.get("memoryBytes").asLong()) : "-";
    }

    /** {@code running/wanted}. */
    public static String replicas(JsonNode d) {
        return d.path("replicasRunning").asInt() + "/" + d.path("replicasWanted").asInt();
    }

    /** The manifest's endpoint (the path its users start at), or empty. */
    public static String endpoint(JsonNode d) {
        return Runs.text(d.path("manifest").path("app"), "endpoint");
    }

    private static String commit(JsonNode d) {
        String commit = Runs.text(d, "commit");
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
