package io.dockhand.agent.executor;

/**
 * One line a task wrote, without its line end. A line longer than the driver's limit arrives in pieces, and a last
 * line without a line end arrives when the stream ends.
 *
 * @param stream where it was written
 * @param text   the line, decoded as UTF-8
 */
public record LogLine(Stream stream, String text) {

    /** A task's output streams. */
    public enum Stream {
        STDOUT,
        STDERR
    }
}
