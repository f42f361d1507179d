package io.dockhand.agent.work;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Lines per stream and pieces of a run's log, as the store holds it: what an adopting agent skips of the
 * container's output so that no line is shipped twice.
 *
 * @param stdout     lines on stdout
 * @param stderr     lines on stderr
 * @param chunks     pieces of any stream
 * @param nextOffset where the log read goes on
 */
record LogCount(long stdout, long stderr, long chunks, long nextOffset) {

    static LogCount read(JsonParser json) throws IOException {
        long out = 0;
        long err = 0;
        long chunks = 0;
        long next = 0;
        String stream = null;
        String text = null;
        int depth = 0;
        for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
            switch (token) {
                case START_OBJECT -> {
                    depth++;
                    stream = null;
                    text = null;
                }
                case END_OBJECT -> {
                    if (depth == 2) {
                        chunks++;
                        long lines = text == null ? 0 : text.chars().filter(c -> c == '\n').count();
                        if ("stdout".equals(stream)) {
                            out += lines;
                        } else if ("stderr".equals(stream)) {
                            err += lines;
                        }
                    }
                    depth--;
                }
                case VALUE_STRING -> {
                    if (depth == 2 && "stream".equals(json.currentName())) {
                        stream = json.getText();
                    } else if (depth == 2 && "text".equals(json.currentName())) {
                        text = json.getText();
                    }
                }
                case VALUE_NUMBER_INT -> {
                    if (depth == 1 && "nextOffset".equals(json.currentName())) {
                        next = json.getLongValue();
                    }
                }
                default -> {
                    // other fields
                }
            }
        }
        return new LogCount(out, err, chunks, next);
    }
}
