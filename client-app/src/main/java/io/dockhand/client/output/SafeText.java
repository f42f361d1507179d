package io.dockhand.client.output;

import java.util.Locale;

/**
 * Text that came from the network, made safe to print on a terminal: every character a terminal could act on
 * instead of showing (C0 and C1 controls, DEL, line and paragraph separators, Unicode bidi overrides, embeddings,
 * isolates and marks) is shown as a visible escape such as {@code \u001b}; newlines, carriage returns and tabs as
 * {@code \n}, {@code \r} and {@code \t}, so one field stays on one line. Every printer goes through here.
 */
public final class SafeText {
    private SafeText() {
    }

    /** {@code text} on one line with nothing a terminal would act on; {@code null} stays {@code null}. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** Several lines (a stack trace): like {@link #line}, but newlines and tabs are kept. */
    public static String lines(String text) {
        return escape(text, true);
    }

    /** Whether a terminal could act on {@code c} rather than show it. */
    public static boolean unsafe(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x2028 && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** The visible form of an unsafe character: {@code \u001b}. */
    public static String visible(int c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format(Locale.ROOT, "\\u%04x", c);
        };
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean kept = keepLines && (c == '\n' || c == '\t');
            if (!kept && unsafe(c)) {
                if (safe == null) {
                    safe = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                safe.append(visible(c));
            } else if (safe != null) {
                safe.append(c);
            }
        }
        return safe == null ? text : safe.toString();
    }
}
