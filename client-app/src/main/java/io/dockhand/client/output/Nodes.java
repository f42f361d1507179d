package io.dockhand.client.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The cluster's nodes as a table: whether each agent is heard from, swarm's view beside it, and its load. */
public final class Nodes {
    private static final List<String> HEADERS = List.of("ID", "STATUS", "SWARM", "ROLE", "ADDRESS", "CPUS",
                                                        "MEMORY", "CONTAINERS", "RUNS", "LAST SEEN");
    private static final int STATUS = 1;

    private Nodes() {
    }

    /** One row per node; {@code LAST SEEN} is counted back from {@code now}. */
    public static void table(Iterable<JsonNode> nodes, PrintWriter out, Colors colors, Instant now) {
        Table table = new Table(HEADERS);
        for (JsonNode n : nodes) {
            JsonNode swarm = n.get("swarm");
            String swarmView = swarm == null || swarm.isNull() ? "-"
                    : orDash(Runs.text(swarm, "state")) + "/" + orDash(Runs.text(swarm, "availability"));
            table.row(List.of(Runs.text(n, "id"), Runs.text(n, "status"), swarmView, orDash(Runs.text(n, "role")),
                              orDash(Runs.text(n, "address")), orDash(Runs.text(n, "cpus")),
                              n.hasNonNull("memoryBytes") ? Records.bytes(n.get("memoryBytes").asLong()) : "-",
                              orDash(Runs.text(n, "containersRunning")), Runs.text(n, "runsInProgress"),
                              seen(Runs.text(n, "lastHeartbeat"), now)));
        }
        table.print(out, colors, (column, padded, value) -> column == STATUS ? colors.state(padded, value) : padded);
    }

    private static String seen(String text, Instant now) {
        Instant at = Runs.instant(text);
        return at == null ? "-" : Runs.human(Duration.between(at, now)) + " ago";
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "-" : text;
    }
}
