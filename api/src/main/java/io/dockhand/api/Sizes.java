package io.dockhand.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Dockhand writes sizes, in configuration, on the command line and in the API, as Docker does: a whole
 * number of bytes, or a number and a binary unit ({@code 512k}, {@code 256m}, {@code 1g}; {@code kb}, {@code mib}
 * and {@code b} suffixes are read too). Units are powers of 1024.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})(?:\\.(\\d{1,3}))?\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

    private Sizes() {
    }

    /**
     * Reads a size in bytes.
     *
     * @throws IllegalArgumentException naming the accepted forms, when {@code text} is none of them
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            String unit = m.group(3) == null ? "b" : m.group(3);
            long scale = switch (unit.charAt(0)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1L;
            };
            java.math.BigDecimal value = new java.math.BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)))
                    .multiply(java.math.BigDecimal.valueOf(scale));
            if (value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                return value.longValue();
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a size; write it like 512m, 2g or a number of bytes");
    }

    /** The size in its largest whole binary unit ({@code 512m}, {@code 1g}), or in bytes. */
    public static String format(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long scale = 1L << shifts[i];
            if (bytes > 0 && bytes % scale == 0) {
                return bytes / scale + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
