package io.dockhand.server.deployments;

/**
 * Why a manifest is refused, as one sentence naming the file, the line and the reason:
 * {@code dockhand.toml line 7: lang must be one of node, python, static, custom, not 'ruby'}.
 */
public final class ManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String reason;

    /**
     * A refusal.
     *
     * @param file   the manifest's file name
     * @param line   the line (1-based) the reason is about
     * @param reason what is wrong, without the file and line
     */
    public ManifestException(String file, int line, String reason) {
        super(file + " line " + line + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The manifest's file name ({@code dockhand.toml} or {@code shipwreck.toml}). */
    public String file() {
        return file;
    }

    /** The 1-based line the reason is about. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }
}
