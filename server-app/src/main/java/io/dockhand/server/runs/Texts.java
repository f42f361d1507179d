package io.dockhand.server.runs;

/** Text fit for a problem's detail: control characters replaced, cut short. */
public final class Texts {
    private Texts() {
    }

    public static String printable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char ch = text.charAt(i);
            out.append(Character.isISOControl(ch) ? '?' : ch);
        }
        return text.length() > max ? out + "…" : out.toString();
    }
}
