package io.dockhand.client.output;

/** The output formats of {@code --format}. */
public enum Format {
    /** Columns for people. */
    TABLE,
    /** The server's JSON, pretty-printed. */
    JSON;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
