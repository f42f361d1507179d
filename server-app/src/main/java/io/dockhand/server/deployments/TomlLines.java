package io.dockhand.server.deployments;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key and table header of a TOML text is written, so that a reason found in the parsed tree can name
 * its line. It knows {@code [table]} and {@code [[array]]} headers, {@code key = value} lines with bare, quoted
 * and dotted keys, and skips multi-line strings; an inline table ({@code env = { A = "1" }}) is one line, so
 * anything inside it is found at its key's line. The text has already been parsed: this is never a validator.
 */
final class TomlLines {
    private static final String KEY = "(?:[A-Za-z0-9_-]+|\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*')";
    private static final String KEYS = KEY + "(?:\\s*\\.\\s*" + KEY + ")*";
    private static final Pattern HEADER = Pattern.compile("\\[\\[?\\s*(" + KEYS + ")\\s*]]?.*");
    private static final Pattern ASSIGNMENT = Pattern.compile("(" + KEYS + ")\\s*=\\s*(.*)");
    private static final Pattern PART = Pattern.compile(KEY);

    /** A key or header: its full path from the root, its line, and for a key the raw value written there. */
    record Entry(List<String> path, int line, boolean header, String value) {
    }

    private final List<Entry> entries;

    private TomlLines(List<Entry> entries) {
        this.entries = entries;
    }

    static TomlLines scan(String text) {
        List<Entry> entries = new ArrayList<>();
        List<String> table = List.of();
        String closing = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (closing != null) {
                if (line.contains(closing)) {
                    closing = null;
                }
                continue;
            }
            Matcher header = HEADER.matcher(line);
            Matcher assignment = ASSIGNMENT.matcher(line);
            if (line.startsWith("[") && header.matches()) {
                table = parts(header.group(1));
                entries.add(new Entry(table, i + 1, true, null));
            } else if (assignment.matches()) {
                List<String> path = new ArrayList<>(table);
                path.addAll(parts(assignment.group(1)));
                String value = assignment.group(2);
                entries.add(new Entry(List.copyOf(path), i + 1, false, value));
                for (String quotes : List.of("\"\"\"", "'''")) {
                    if (value.startsWith(quotes) && !value.substring(3).contains(quotes)) {
                        closing = quotes;
                    }
                }
            }
        }
        return new TomlLines(entries);
    }

    /**
     * The line of {@code path}: where the key itself is written, else where the nearest enclosing table or inline
     * table is (a missing key is reported at its table's header), else line 1.
     */
    int lineOf(List<String> path) {
        int best = 1;
        int bestLength = -1;
        for (Entry entry : entries) {
            List<String> at = entry.path();
            if (at.size() <= path.size() && at.size() > bestLength && path.subList(0, at.size()).equals(at)) {
                best = entry.line();
                bestLength = at.size();
            }
        }
        return best;
    }

    /** The value as written on the key's line (a comment may follow it), or null. */
    String raw(List<String> path) {
        for (Entry entry : entries) {
            if (!entry.header() && entry.path().equals(path)) {
                return entry.value();
            }
        }
        return null;
    }

    /** The line where a key is written a second time, or 0. */
    int duplicateKeyLine() {
        Set<List<String>> seen = new HashSet<>();
        for (Entry entry : entries) {
            if (!entry.header() && !seen.add(entry.path())) {
                return entry.line();
            }
        }
        return 0;
    }

    private static List<String> parts(String keys) {
        List<String> parts = new ArrayList<>();
        Matcher part = PART.matcher(keys);
        while (part.find()) {
            String key = part.group();
            if (key.startsWith("\"")) {
                key = key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            } else if (key.startsWith("'")) {
                key = key.substring(1, key.length() - 1);
            }
            parts.add(key);
        }
        return List.copyOf(parts);
    }
}
