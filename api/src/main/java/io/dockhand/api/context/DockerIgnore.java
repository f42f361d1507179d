package io.dockhand.api.context;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of a {@code .dockerignore} file, matched as Docker matches them (moby's {@code patternmatcher} and
 * the CLI's {@code ReadAll}): one pattern a line, blank lines and lines starting with {@code #} skipped, each line
 * trimmed and cleaned like Go's {@code filepath.Clean} (so {@code ./a} is {@code a} and a leading {@code /} is
 * dropped); {@code *} and {@code ?} never cross a {@code /}, {@code [...]} is a character class, {@code \} escapes,
 * {@code **} matches any number of folders (none included); a pattern that matches a folder matches everything
 * under it; {@code !} makes a pattern an exception, and the last pattern that matches a path decides.
 */
public final class DockerIgnore {
    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No patterns: nothing is ignored. */
    public static DockerIgnore none() {
        return new DockerIgnore(List.of());
    }

    /**
     * Reads the text of a {@code .dockerignore}.
     *
     * @throws IllegalArgumentException naming the line, when a pattern is malformed (an unclosed {@code [})
     */
    public static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\\R", -1)) {
            number++;
            String pattern = line.strip();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean exception = pattern.startsWith("!");
            if (exception) {
                pattern = pattern.substring(1).strip();
            }
            if (!pattern.isEmpty()) {
                pattern = clean(pattern);
                if (pattern.length() > 1 && pattern.startsWith("/")) {
                    pattern = pattern.substring(1);
                }
            }
            try {
                rules.add(new Rule(pattern, exception, compile(pattern)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(".dockerignore line " + number + ": '" + line.strip()
                        + "' is not a valid pattern (" + e.getMessage() + ")");
            }
        }
        return new DockerIgnore(rules);
    }

    /** The same patterns and then {@code !path}: Docker always sends the Dockerfile and {@code .dockerignore}. */
    public DockerIgnore keeping(String path) {
        if (!ignores(path)) {
            return this;
        }
        List<Rule> more = new ArrayList<>(rules);
        String pattern = escape(clean(path));
        more.add(new Rule(pattern, true, compile(pattern)));
        return new DockerIgnore(more);
    }

    /**
     * Whether {@code path} (relative, {@code /}-separated) is left out: the last pattern matching it or one of
     * the folders above it decides.
     */
    public boolean ignores(String path) {
        String[] parts = path.split("/");
        boolean ignored = false;
        for (Rule rule : rules) {
            if (rule.exception != ignored) {
                continue;
            }
            boolean match = rule.regex.matcher(path).matches();
            StringBuilder parent = new StringBuilder();
            for (int i = 0; !match && i < parts.length - 1; i++) {
                if (i > 0) {
                    parent.append('/');
                }
                parent.append(parts[i]);
                match = rule.regex.matcher(parent).matches();
            }
            if (match) {
                ignored = !rule.exception;
            }
        }
        return ignored;
    }

    /**
     * Whether the walk must look inside an ignored folder: some exception could take back a path under it. Docker
     * only checks that an exception starts with the folder's path; this also follows wildcards and {@code **}, so
     * {@code !*}{@code /keep.txt} finds {@code a/keep.txt} in an ignored {@code a}.
     */
    public boolean mayKeepUnder(String dir) {
        String[] dirParts = dir.split("/");
        for (Rule rule : rules) {
            if (rule.exception && couldMatchUnder(rule.pattern.split("/"), dirParts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean couldMatchUnder(String[] pattern, String[] dir) {
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].contains("**")) {
                return true;
            }
            if (i >= dir.length) {
                return true;
            }
            if (!compile(pattern[i]).matcher(dir[i]).matches()) {
                return false;
            }
        }
        // The pattern names the folder or one above it: everything below follows that folder.
        return true;
    }

    /** The pattern as Go's filepath.Match-with-** reads it, as a Java regular expression over the whole path. */
    static Pattern compile(String pattern) {
        StringBuilder regex = new StringBuilder("^");
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (i + 1 < n && pattern.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < n && pattern.charAt(i + 1) == '/') {
                        i++;
                    }
                    if (i + 1 >= n) {
                        regex.append(".*");
                    } else {
                        regex.append("(.*/)?");
                    }
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '\\') {
                if (i + 1 < n) {
                    regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else {
                    regex.append("\\\\");
                }
            } else if (c == '[') {
                int end = classEnd(pattern, i);
                regex.append(charClass(pattern.substring(i + 1, end)));
                i = end;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.append('$').toString(), Pattern.DOTALL);
    }

    /** Where the class opened at {@code start} closes. */
    private static int classEnd(String pattern, int start) {
        int i = start + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            i++;
        }
        if (i < pattern.length() && pattern.charAt(i) == ']') {
            i++;
        }
        for (; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        throw new IllegalArgumentException("a '[' is not closed");
    }

    /** A Go class body ({@code ^} negates, {@code a-z} ranges, {@code \} escapes) as a Java class that skips '/'. */
    private static String charClass(String body) {
        StringBuilder out = new StringBuilder("[");
        int i = 0;
        boolean negated = body.startsWith("^");
        if (negated) {
            out.append('^');
            i = 1;
        }
        if (i >= body.length()) {
            throw new IllegalArgumentException("an empty character class");
        }
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                c = body.charAt(++i);
            }
            if (c == '-' && i > (negated ? 1 : 0) && i + 1 < body.length()) {
                out.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append('\\').append(c);
            }
        }
        out.append(negated ? "/]" : "&&[^/]]");
        return out.toString();
    }

    /** A path as a pattern that matches only itself. */
    private static String escape(String path) {
        return path.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /** Go's {@code filepath.Clean} on a {@code /}-separated path ({@code .} for an empty one). */
    public static String clean(String path) {
        boolean rooted = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.getLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.add(part);
                }
                continue;
            }
            parts.add(part);
        }
        String joined = String.join("/", parts);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    private record Rule(String pattern, boolean exception, Pattern regex) {
    }
}
