package io.dockhand.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One figure of a benchmark as a row of its summary: what was measured, the goal, whether the median meets it, and
 * the baseline measured in the same run.
 */
record BenchFigure(String name, String measured, String goal, String met, String baseline) {
    private static final double MIB = 1024.0 * 1024;

    /** Milliseconds: median and maximum, against a goal (0: none) the median must stay under. */
    static BenchFigure millis(String name, List<Double> values, double goal, String baselineName,
                              List<Double> baseline) {
        double median = median(values);
        return new BenchFigure(name, "median %.0f ms, max %.0f (n=%d)".formatted(median, Collections.max(values),
                        values.size()), goal > 0 ? "< %.0f ms".formatted(goal) : "",
                goal > 0 ? met(median < goal, Collections.max(values) < goal) : "",
                baseline == null ? "" : "%s: median %.0f ms, max %.0f".formatted(baselineName, median(baseline),
                                                                                 Collections.max(baseline)));
    }

    /** The growth of a resident set, in MiB, against a goal (0: none); the heap the JVM had committed beside it. */
    static BenchFigure mebibytes(String name, long before, long after, long peak, double goal, int streams,
                                 double heapBefore, double heapAfter) {
        double growth = (after - before) / MIB;
        return new BenchFigure(name, "%+.1f MiB (%.1f -> %.1f, peak %.1f; %d streams; heap committed %.0f -> %.0f)"
                .formatted(growth, before / MIB, after / MIB, peak / MIB, streams, heapBefore / MIB,
                           heapAfter / MIB), goal > 0 ? "< %.0f MiB".formatted(goal) : "",
                goal > 0 ? met(growth < goal, (peak - before) / MIB < goal) : "",
                goal > 0 ? "none (no dashboard open before)" : "");
    }

    /** A figure that could not be measured. */
    static BenchFigure failed(String name, String why) {
        return new BenchFigure(name, why, "", "NOT MEASURED", "");
    }

    private static String met(boolean median, boolean always) {
        return median ? (always ? "yes" : "yes (median; not every time)") : "NO";
    }

    /** The rows as an aligned table. */
    static List<String> table(List<BenchFigure> figures) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"figure", "measured", "goal", "met", "baseline (same run)"});
        figures.forEach(f -> rows.add(new String[] {f.name, f.measured, f.goal, f.met, f.baseline}));
        int[] widths = new int[5];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s | ", row[i]));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** The machine's load averages (1, 5, 15 minutes), as uptime prints them. */
    static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
