package io.dockhand.web;

import java.io.OutputStream;
import java.util.Locale;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Two rules of HTTP/1.1 that Helidon 4.5 leaves to the application, kept here once for every answer (routes,
 * fallback and problems alike): the answer to {@code HEAD} has no body on the wire (Helidon writes the entity the
 * handler sends), and a client that sent {@code Connection: close} gets its connection closed after the answer
 * (Helidon answers {@code Connection: close} and keeps the socket open, so a client reading to the end waits for
 * its own timeout).
 */
final class HttpSemantics implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (Method.HEAD.equals(req.prologue().method())) {
            res.streamFilter(out -> OutputStream.nullOutputStream());
        }
        chain.proceed();
        boolean close = req.headers().first(HeaderNames.CONNECTION)
                .map(value -> value.toLowerCase(Locale.ROOT).contains("close"))
                .orElse(false);
        if (close && res.isSent()) {
            throw new CloseConnectionException("The client asked to close the connection");
        }
    }
}
