package io.dockhand.web;

import java.util.Optional;
import java.util.Set;

import io.dockhand.api.Problem;

/**
 * Failures Helidon raises while a handler reads the request, whose cause is the client's bytes, not the server:
 * a malformed {@code Content-Type} (Helidon's media-type parser throws {@code StringIndexOutOfBoundsException} on
 * {@code charset="}), and a body whose framing is broken (a chunk size that is not hexadecimal, negative or huge, a
 * bare LF, the connection ending before {@code Content-Length} bytes or the last chunk). Helidon lets these escape
 * as plain runtime exceptions; recognised here by where they were thrown, they become 400 problems instead of 500s.
 */
final class ClientFaults {
    private static final String HTTP1_CONNECTION = "io.helidon.webserver.http1.Http1Connection";
    private static final Set<String> ENTITY_READS = Set.of("readEntityFromPipeline", "readNextChunk",
                                                           "readLengthEntity");
    private static final String MEDIA_TYPE_PARSER = "io.helidon.http.HttpMediaType";

    private ClientFaults() {
    }

    /** The problem a client caused, if {@code failure} is one; the connection must close after a framing one. */
    static Optional<Fault> of(Throwable failure, String instance) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            for (StackTraceElement frame : e.getStackTrace()) {
                if (frame.getClassName().equals(HTTP1_CONNECTION) && ENTITY_READS.contains(frame.getMethodName())) {
                    return Optional.of(new Fault(Problem.of("malformed-body", "Bad request", 400,
                            "The request body is not framed as its headers say (a malformed chunk, or the connection"
                                    + " ended before the body did).", instance), true));
                }
                if (frame.getClassName().startsWith(MEDIA_TYPE_PARSER)) {
                    return Optional.of(new Fault(Problem.of("malformed-content-type", "Bad request", 400,
                            "The Content-Type header is malformed.", instance), false));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A problem the client caused.
     *
     * @param problem the problem to answer
     * @param close   whether the connection must close (the rest of the request cannot be found)
     */
    record Fault(Problem problem, boolean close) {
    }
}
