package io.dockhand.client.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain columns padded to the widest cell, two spaces apart, header in bold; a styler may colour cells. A table
 * may be printed in parts (a page at a time): the header comes once, and columns only ever grow.
 */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final int[] widths;
    private boolean headerPrinted;

    /** A table with these column headers. */
    public Table(List<String> headers) {
        this.headers = List.copyOf(headers);
        this.widths = this.headers.stream().mapToInt(String::length).toArray();
    }

    /** Adds a row; {@code null} cells print empty, and cells are made {@link SafeText safe} for a terminal. */
    public void row(List<String> cells) {
        rows.add(cells.stream().map(c -> c == null ? "" : SafeText.line(c)).toList());
    }

    /** Styles one padded cell (colour must not change its visible width). */
    public interface Styler {
        String style(int column, String padded, String value);
    }

    /** Prints the header in bold (the first time) and the rows added since the last print. */
    public void print(PrintWriter out, Colors colors, Styler styler) {
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        if (!headerPrinted) {
            out.println(colors.bold(line(headers, widths, (c, p, v) -> p)));
            headerPrinted = true;
        }
        for (List<String> row : rows) {
            out.println(line(row, widths, styler));
        }
        rows.clear();
        out.flush();
    }

    private static String line(List<String> cells, int[] widths, Styler styler) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean last = i == cells.size() - 1;
            String padded = last ? cell : cell + " ".repeat(widths[i] - cell.length());
            line.append(styler.style(i, padded, cell));
            if (!last) {
                line.append("  ");
            }
        }
        return line.toString().stripTrailing();
    }
}
