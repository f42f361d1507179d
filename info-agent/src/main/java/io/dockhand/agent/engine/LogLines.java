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
    private final Map<LogLine.Stream, Long> seen = new EnumMap<>(LogLine.Stream.class);
    private final Map<LogLine.Stream, Long> skip = new EnumMap<>(LogLine.Stream.class);

    LogLines(Consumer<LogLine> onLine) {
        this.onLine = onLine;
    }

    void accept(LogLine.Stream stream, byte[] bytes) {
        ByteArrayOutputStream line = pending.computeIfAbsent(stream, s -> new ByteArrayOutputStream());
        long skipping = skip.getOrDefault(stream, 0L);
        int from = (int) Math.min(skipping, bytes.length);
        skip.put(stream, skipping - from);
        seen.merge(stream, (long) (bytes.length - from), Long::sum);
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
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

    /**
     * Prepares for a second reading of the same log from its start: what was passed on already is skipped, the
     * rest is passed on. (The engine's followed log can end before the last output of a task that exits.)
     */
    void reread() {
        skip.clear();
        skip.putAll(seen);
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
