package io.dockhand.server;

import java.lang.System.Logger.Level;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Answers what Helidon rejects before routing (a malformed percent-encoding, an unreadable request line, a body
 * over the server's payload limit) with a problem document too, instead of an empty body.
 */
final class ProblemDirectHandler implements DirectHandler {
    private static final System.Logger LOGGER = System.getLogger(ProblemDirectHandler.class.getName());

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String path = request.path();
        String slug = switch (eventType) {
            case BAD_REQUEST -> "bad-request";
            case PAYLOAD_TOO_LARGE -> "payload-too-large";
            case INTERNAL_ERROR -> "internal";
            default -> "http-" + status.code();
        };
        String detail = eventType == EventType.INTERNAL_ERROR
                ? "The server failed unexpectedly; the failure is in its log."
                : "The request could not be read: " + (message == null || message.isBlank() ? status.reasonPhrase()
                                                                                        : message);
        if (eventType == EventType.INTERNAL_ERROR) {
            LOGGER.log(Level.ERROR, "Internal error before routing: " + message);
        }
        Problem problem = Problem.of(slug, status.reasonPhrase(), status.code(), detail,
                                     path == null || path.isEmpty() ? null : path);
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(problem.asMap());
        } catch (JsonProcessingException e) {
            return DirectHandler.defaultHandler().handle(request, eventType, status, headers, message);
        }
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .entity(body)
                .build();
    }
}
