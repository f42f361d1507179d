package io.dockhand.web;

import java.util.regex.Pattern;

import io.dockhand.api.Problem;

import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.DirectHandler.TransportRequest;
import io.helidon.http.DirectHandler.TransportResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Problem documents for what Helidon refuses before routing (a malformed request line, header or percent-encoding,
 * a body over the listener's limit): every kind of such event answers {@code application/problem+json} instead
 * of an empty or plain-text body. The listener needs {@code error-handling.include-entity} for Helidon's own
 * (safe) messages to reach the detail.
 */
final class DirectProblems {
    /** What Helidon passes instead of a message it does not deem safe to show. */
    private static final String HELIDON_GENERIC = "Bad request, see server log for more information";
    private static final Pattern BAD_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final int MAX_DETAIL = 300;
    private static final System.Logger LOG = System.getLogger(DirectProblems.class.getName());

    private DirectProblems() {
    }

    static DirectHandlers handlers() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, DirectProblems::handle);
        }
        return handlers.build();
    }

    static TransportResponse handle(TransportRequest request, EventType type, Status status,
                                    ServerResponseHeaders headers, String message) {
        // Helidon passes the raw target: with its query when the path was at fault, without when the query was.
        String target = request.path() == null ? "" : request.path();
        int question = target.indexOf('?');
        String path = Text.printable(question < 0 ? target : target.substring(0, question), 200);
        String query = question < 0 ? "" : target.substring(question + 1);
        String instance = path.isEmpty() ? null : path;
        boolean parsed = request.method() != null && !request.method().isEmpty() && !target.isEmpty();
        boolean clientFault = type == EventType.BAD_REQUEST || type == EventType.HTTP_VERSION_NOT_SUPPORTED
                || type == EventType.INTERNAL_ERROR && !parsed;
        if (clientFault && status.code() >= 500) {
            // The client's bytes are at fault, whatever Helidon's status says: 501 for a transfer coding it does
            // not know, 505 for HTTP/1.0 (the same major version, which RFC 9110 15.6.6 does not cover), 500 for a
            // request line it could not parse (a NUL in the method). A 4xx says so; the connection closes.
            String detail = type == EventType.HTTP_VERSION_NOT_SUPPORTED
                    ? "HTTP/1.0 is not supported; send HTTP/1.1 (ApacheBench speaks only HTTP/1.0: use wrk or hey)."
                    : type == EventType.INTERNAL_ERROR ? "The request line is malformed and was not processed."
                      : badRequestDetail(path, query, message);
            if (type == EventType.INTERNAL_ERROR) {
                LOG.log(System.Logger.Level.DEBUG, "Unparsable request refused: " + message);
            }
            return response(request, Status.BAD_REQUEST_400, headers, false,
                             Problem.of("bad-request", "Bad request", 400, detail, instance));
        }
        Problem problem = switch (type) {
            case BAD_REQUEST -> Problem.of("bad-request", "Bad request", status.code(),
                    badRequestDetail(path, query, message), instance);
            case PAYLOAD_TOO_LARGE -> Problem.of("payload-too-large", "Payload too large", status.code(),
                    "The body is larger than the server accepts.", instance);
            case INTERNAL_ERROR -> {
                LOG.log(System.Logger.Level.ERROR, "Internal error before routing: " + message);
                yield Problem.of("internal", "Internal server error", status.code(),
                        "The server failed unexpectedly; the failure is in its log.", instance);
            }
            default -> Problem.of("http-" + status.code(), status.reasonPhrase(), status.code(),
                    "The server could not process the request (" + status.reasonPhrase() + ").", instance);
        };
        return response(request, status, headers, type.keepAlive(), problem);
    }

    /** The problem as the answer; to {@code HEAD} without the body, as HTTP says, refused before routing or not. */
    private static TransportResponse response(TransportRequest request, Status status, ServerResponseHeaders headers,
                                              boolean keepAlive, Problem problem) {
        TransportResponse.Builder response = TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .keepAlive(keepAlive);
        return "HEAD".equals(request.method()) ? response.build()
                                                : response.entity(Problems.bytes(problem)).build();
    }

    /**
     * Names what is wrong: a malformed percent-encoding in the path or query is recognised here (Helidon does not
     * pass its message on for a path); otherwise the first line of Helidon's message, when it passed one.
     */
    static String badRequestDetail(String path, String query, String message) {
        if (BAD_PERCENT.matcher(path).find()) {
            return "The request path has a malformed percent-encoding: '%' must be followed by two hexadecimal digits.";
        }
        if (BAD_PERCENT.matcher(query).find()) {
            return "The request query has a malformed percent-encoding: '%' must be followed by two hexadecimal"
                    + " digits.";
        }
        String first = message == null ? "" : message.lines().findFirst().orElse("").strip();
        while (first.endsWith(":") || first.endsWith(".")) {
            first = first.substring(0, first.length() - 1);
        }
        if (first.isEmpty() || first.equals(HELIDON_GENERIC)) {
            return "The request is malformed and was not processed.";
        }
        return "The request is malformed: " + Text.printable(first, MAX_DETAIL) + ".";
    }
}
