package io.dockhand.server.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a request's JSON body under the store's rules: JSON content type, at most {@code maxBytes}, an object.
 * Each violation is a problem with its own status, and nothing is read past the limit.
 */
final class RequestBodies {
    private static final HexFormat HEX = HexFormat.of();

    private RequestBodies() {
    }

    /** A body read from a request: its bytes and the object they hold. */
    record JsonBody(byte[] bytes, ObjectNode object) {
    }

    /** A JSON object sent as {@code application/json} (or {@code +json}). */
    static JsonBody readObject(ServerRequest req, int maxBytes) {
        HttpMediaType type = req.headers().contentType().orElseThrow(() -> unsupported("no Content-Type"));
        // media types are case-insensitive (RFC 9110 8.3.1): APPLICATION/JSON is JSON
        String subtype = type.mediaType().subtype().toLowerCase(java.util.Locale.ROOT);
        if (!"application".equalsIgnoreCase(type.mediaType().type())
                || !("json".equals(subtype) || subtype.endsWith("+json"))) {
            throw unsupported("Content-Type " + type.mediaType().text());
        }
        return readObjectOfAnyType(req, maxBytes);
    }

    /**
     * A JSON object whatever the Content-Type says (none, a form's, {@code text/plain}): the original tool's
     * clients send JSON that way, and its store read it.
     */
    static JsonBody readObjectOfAnyType(ServerRequest req, int maxBytes) {
        if (req.headers().contentLength().orElse(0L) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
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
            throw ProblemException.badRequest("malformed-json", "The body is not valid JSON: "
                    + Json.describe(e) + location(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw ProblemException.badRequest("malformed-json", "The body is empty; send a JSON object.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRecordException("The body must be a JSON object, not " + describe(node) + ".");
        }
        Json.requireSaneNumbers(object);
        return new JsonBody(bytes, object);
    }

    /** The client's Idempotency-Key, if it sent one, bound to a digest of this request's path and body. */
    static Optional<IdempotencyKey> idempotencyKey(ServerRequest req, byte[] body) {
        Optional<String> header = req.headers().first(HeaderNames.create("Idempotency-Key"));
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String key = header.get().strip();
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
            throw ProblemException.badRequest("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(req.path().path().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return Optional.of(new IdempotencyKey(key, HEX.formatHex(digest.digest())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case OBJECT, POJO -> "an object";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static ProblemException unsupported(String what) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type",
                what + ": send application/json.");
    }

    private static ProblemException tooLarge(int maxBytes) {
        return new ProblemException(413, "payload-too-large", "Payload too large",
                "The body is larger than " + maxBytes + " bytes.");
    }
}
