package io.dockhand.client.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A listing as one JSON document, {@code {"items": [...], "nextCursor": ...}}, written a page at a time so that
 * {@code --all} never holds more than one page. Closing ends the document: {@code nextCursor} is {@code null} when
 * the listing was complete, else the cursor of the first page not shown.
 */
public final class JsonItems implements AutoCloseable {
    private final PrintWriter out;
    private final JsonGenerator json;
    private String next;

    /** Starts the document on {@code out}. */
    public JsonItems(PrintWriter out) {
        this.out = out;
        this.json = Json.generator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        write(() -> {
            json.writeStartObject();
            json.writeArrayFieldStart("items");
        });
    }

    /** Writes a page's items; {@code next} is where the listing goes on ({@code null}: it ends here). */
    public void page(JsonNode items, String next) {
        this.next = next;
        write(() -> {
            for (JsonNode item : items) {
                json.writeTree(item);
            }
        });
    }

    @Override
    public void close() {
        write(() -> {
            json.writeEndArray();
            json.writeStringField("nextCursor", next);
            json.writeEndObject();
        });
        out.println();
        out.flush();
    }

    private void write(Step step) {
        try {
            step.run();
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Step {
        void run() throws IOException;
    }
}
