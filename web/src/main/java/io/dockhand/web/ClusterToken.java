package io.dockhand.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The cluster's shared secret, which agents and operators present as {@code Authorization: Bearer <token>}. It
 * comes from a file (in the swarm, the {@code dockhand_token} secret under {@code /run/secrets}) or, outside
 * one, a value; a server without one recognises no caller as trusted. Compared in constant time.
 */
public final class ClusterToken {
    private static final String BEARER = "Bearer ";
    private final byte[] token;

    private ClusterToken(byte[] token) {
        this.token = token;
    }

    /** No token: nobody is trusted. */
    public static ClusterToken none() {
        return new ClusterToken(null);
    }

    /** The token in {@code file} (trimmed) if it is set, else {@code value} if set, else none. */
    public static ClusterToken of(String value, String file) {
        if (file != null && !file.isBlank()) {
            try {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    return new ClusterToken(text.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the cluster token file " + file, e);
            }
        }
        return value == null || value.isBlank() ? none()
                                                : new ClusterToken(value.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a token is configured. */
    public boolean isSet() {
        return token != null;
    }

    /** The token, to present to another server. */
    public Optional<String> value() {
        return token == null ? Optional.empty() : Optional.of(new String(token, StandardCharsets.UTF_8));
    }

    /**
     * Whether the request presents this token.
     *
     * @return false when it presents no bearer token at all
     * @throws ProblemException 401 when it presents one that is not this token
     */
    public boolean presentedBy(ServerRequest req) {
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        if (authorization.isEmpty() || !authorization.get().startsWith(BEARER)) {
            return false;
        }
        byte[] presented = authorization.get().substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (token == null || !MessageDigest.isEqual(token, presented)) {
            throw ProblemException.unauthorized("bad-token", "The bearer token is not this cluster's token.");
        }
        return true;
    }

    @Override
    public String toString() {
        return token == null ? "none" : "set";
    }
}
