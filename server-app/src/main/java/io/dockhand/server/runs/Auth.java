package io.dockhand.server.runs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.dockhand.api.Problem;
import io.dockhand.web.ClusterToken;
import io.dockhand.web.Problems;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The cluster token on the endpoints that change work (submit, cancel, the agents' endpoints): no bearer token is
 * 401 {@code token-required} with {@code WWW-Authenticate: Bearer}, a wrong one 403 {@code token-invalid}, and a
 * store without a token refuses them all with 403 {@code no-cluster-token}. Compared in constant time.
 */
public final class Auth {
    private static final String BEARER = "bearer ";
    private final byte[] token;

    public Auth(ClusterToken token) {
        this.token = token.value().map(v -> v.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * Whether the request carries this cluster's token (a read that shows secrets, such as env values, with it and
     * hides them without); sends nothing.
     */
    public boolean holds(ServerRequest req) {
        if (token == null) {
            return false;
        }
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || header.get().length() < BEARER.length()
                || !header.get().substring(0, BEARER.length()).equalsIgnoreCase(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.get().substring(BEARER.length()).strip()
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the request may go on; when not, the problem has been sent and the handler must return.
     */
    public boolean admits(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (token == null) {
            Problems.send(res, Problem.of("no-cluster-token", "Forbidden", 403, "This store has no cluster token,"
                    + " so it accepts no work: configure store.token or store.tokenfile (STORE_TOKENFILE).", path));
            return false;
        }
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || header.get().length() < BEARER.length()
                || !header.get().substring(0, BEARER.length()).equalsIgnoreCase(BEARER)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            Problems.send(res, Problem.of("token-required", "Unauthorized", 401,
                    "This endpoint needs the cluster token: send Authorization: Bearer <token>.", path));
            return false;
        }
        byte[] presented = header.get().substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, presented)) {
            Problems.send(res, Problem.of("token-invalid", "Forbidden", 403,
                    "The bearer token is not this cluster's token.", path));
            return false;
        }
        return true;
    }
}
