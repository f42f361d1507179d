package io.dockhand.web;

/** Untrusted text (a method name, a header value) made safe to echo in a problem's detail. */
final class Text {
    private Text() {
    }

    /** {@code text} with control characters as {@code ?}, cut to {@code max} characters. */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char ch = text.charAt(i);
            out.append(Character.isISOControl(ch) ? '?' : ch);
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
