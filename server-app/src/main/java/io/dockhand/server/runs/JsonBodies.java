package io.dockhand.server.runs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;

import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads the agents' JSON bodies (heartbeats, reports, log batches): JSON content type, bounded, an object. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /** The body as a {@code type}: 415 without a JSON type, 413 over {@code maxBytes}, 400/422 when malformed. */
    public static <T> T read(ServerRequest req, long maxBytes, Class<T> type) {
        HttpMediaType media = req.headers().contentType().orElseThrow(() -> unsupported("no Content-Type"));
        String subtype = media.mediaType().subtype().toLowerCase(Locale.ROOT);
        if (!"application".equalsIgnoreCase(media.mediaType().type())
                || !("json".equals(subtype) || subtype.endsWith("+json"))) {
            throw unsupported("Content-Type " + media.mediaType().text());
        }
        if (req.headers().contentLength().orElse(0L) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw ProblemException.badRequest("malformed-json", "The body is not valid JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ProblemException.badRequest("malformed-json", "The body must be a JSON object.");
        }
        Json.requireSaneNumbers(object);
        try {
            T value = Json.MAPPER.readerFor(type)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(object);
            if (value == null) {
                throw invalid("The body must be a JSON object.");
            }
            return value;
        } catch (JacksonException e) {
            throw invalid("The body is not a " + type.getSimpleName() + ": " + Json.describe(e));
        } catch (IllegalArgumentException e) {
            throw invalid("The body is not a " + type.getSimpleName() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 422 {@code invalid-body}. */
    public static ProblemException invalid(String detail) {
        return new ProblemException(422, "invalid-body", "Unprocessable content", detail);
    }

    private static ProblemException unsupported(String what) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type",
                what + ": send application/json.");
    }

    private static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(413, "payload-too-large", "Payload too large",
                "The body is larger than " + maxBytes + " bytes.");
    }
}
