package io.dockhand.agent.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import io.dockhand.agent.executor.LogLine;

/**
 * Cuts a task's output, which arrives in frames of any size, into lines per stream. A line longer than
 * {@link #MAX_LINE} bytes is passed on in pieces, so a task that never writes a line end cannot make the agent hold
 * its output; what is left without a line end is passed on by {@link #flush()}. Not thread-safe: one stream, one
 * reader.
 */
final class LogLines {

    static final int MAX_LINE = 16 * 1024;

    private final Consumer<LogLine> onLine;
    private final Map<LogLine.Stream, ByteArrayOutputStream> pending = new EnumMap<>(LogLine.Stream.class);

    LogLines(Consumer<LogLine> onLine) {
        this.onLine = onLine;
    }

    void accept(LogLine.Stream stream, byte[] bytes) {
        ByteArrayOutputStream line = pending.computeIfAbsent(stream, s -> new ByteArrayOutputStream());
        for (byte b : bytes) {
            if (b == '\n') {
                emit(stream, line);
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    emit(stream, line);
                }
            }
        }
    }

    /** Passes on what is left of each stream without a line end. */
    void flush() {
        pending.forEach((stream, line) -> {
            if (line.size() > 0) {
                emit(stream, line);
            }
        });
    }

    private void emit(LogLine.Stream stream, ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        onLine.accept(new LogLine(stream, text));
    }
}
