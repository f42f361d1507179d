package io.dockhand.client;

/** What the client's exit status means. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** A service answered with an error, or something else failed. */
    public static final int ERROR = 1;
    /** The command line (or a setting) is wrong. */
    public static final int USAGE = 2;
    /** No address of the server or the agent answered. */
    public static final int UNREACHABLE = 3;
    /** The command was interrupted (Ctrl-C), as a shell reports SIGINT. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
