package io.dockhand.client.output;

import java.util.Locale;

/**
 * ANSI styling that is a no-op when colour is off ({@code NO_COLOR}, or output not a terminal).
 *
 * @param enabled whether to emit escape sequences
 */
public record Colors(boolean enabled) {

    /** Bold text. */
    public String bold(String text) {
        return style("1", text);
    }

    /** Red text, for failures. */
    public String red(String text) {
        return style("31", text);
    }

    /** Green text, for what works. */
    public String green(String text) {
        return style("32", text);
    }

    /**
     * A state, coloured by what it means: running, succeeded and up green; stopped, failed, dead, lost and down red;
     * in between yellow.
     */
    public String state(String padded, String state) {
        return switch (state == null ? "" : state.toLowerCase(Locale.ROOT)) {
            case "running", "succeeded", "up" -> style("32", padded);
            case "exited", "dead", "removing", "failed", "lost", "down" -> style("31", padded);
            case "restarting", "paused", "created", "queued", "assigned", "building", "cancelled", "ready" ->
                    style("33", padded);
            default -> padded;
        };
    }

    private String style(String code, String text) {
        return enabled && !text.isEmpty() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
