package io.dockhand.agent.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.dockhand.agent.executor.LogLine;

import org.junit.jupiter.api.Test;

import static io.dockhand.agent.executor.LogLine.Stream.STDERR;
import static io.dockhand.agent.executor.LogLine.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

class LogLinesTest {

    private final List<LogLine> lines = new ArrayList<>();
    private final LogLines splitter = new LogLines(lines::add);

    @Test
    void joinsFramesIntoLinesPerStreamAndPassesOnTheRestWhenFlushed() {
        splitter.accept(STDOUT, bytes("hel"));
        splitter.accept(STDERR, bytes("oops\r\n"));
        splitter.accept(STDOUT, bytes("lo\nwor"));
        splitter.accept(STDOUT, bytes("ld\n\nlast"));
        splitter.flush();

        assertThat(lines).containsExactly(new LogLine(STDERR, "oops"), new LogLine(STDOUT, "hello"),
                new LogLine(STDOUT, "world"), new LogLine(STDOUT, ""), new LogLine(STDOUT, "last"));
    }

    @Test
    void cutsALineWithoutEndIntoPiecesOfTheLimit() {
        splitter.accept(STDOUT, bytes("x".repeat(LogLines.MAX_LINE * 2 + 5)));
        splitter.flush();

        assertThat(lines).extracting(line -> line.text().length())
                .containsExactly(LogLines.MAX_LINE, LogLines.MAX_LINE, 5);
    }

    @Test
    void passesOnOnlyWhatTheFirstReadingMissedWhenReadAgain() {
        splitter.accept(STDOUT, bytes("one\ntw"));
        splitter.accept(STDERR, bytes("e1\n"));
        splitter.reread();
        splitter.accept(STDOUT, bytes("one\n"));
        splitter.accept(STDERR, bytes("e1\ne2\n"));
        splitter.accept(STDOUT, bytes("two\nthree"));
        splitter.flush();

        assertThat(lines).containsExactly(new LogLine(STDOUT, "one"), new LogLine(STDERR, "e1"),
                new LogLine(STDERR, "e2"), new LogLine(STDOUT, "two"), new LogLine(STDOUT, "three"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
