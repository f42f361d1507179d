package io.dockhand.client.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A successful (2xx) answer.
 *
 * @param status the status code
 * @param body   the body as received
 * @param method the request method
 * @param url    the URL asked, with the configured host name
 */
public record Response(int status, byte[] body, String method, String url) {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The body as JSON; a body that is not JSON is a {@link ProblemException} naming the URL. */
    public JsonNode json() {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new IOException("empty body");
            }
            return node;
        } catch (IOException e) {
            throw new ProblemException(status, "Unexpected response", "the body is not JSON ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", method, url);
        }
    }

    /** The body as text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    static JsonNode parseQuietly(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
