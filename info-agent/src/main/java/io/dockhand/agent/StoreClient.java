package io.dockhand.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import io.dockhand.api.Paths;
import io.dockhand.web.ClusterToken;

/**
 * How the agent reaches the store to vouch for a container's record: a POST with the cluster token, so the store
 * marks the record verified. The store is one URL (the gateway on this node, in the swarm); one attempt bounded
 * by a timeout, because the caller repeats its request with the same idempotency key if it wants to.
 */
final class StoreClient {
    private static final int MAX_ANSWER = 1024 * 1024;

    private final URI store;
    private final ClusterToken token;
    private final Duration timeout;
    private final HttpClient http;

    StoreClient(URI store, ClusterToken token, Duration timeout) {
        this.store = store;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    /** The store's answer to one request; {@code location} made absolute (it names the store, not the agent). */
    record Answer(int status, String contentType, Optional<String> location, byte[] body) {
    }

    /**
     * Posts a record to the store.
     *
     * @throws StoreUnreachableException when the store does not answer in time or cannot be reached
     */
    Answer postRecord(byte[] json, Optional<String> idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(store.resolve(Paths.RECORDS))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        token.value().ifPresent(value -> request.header("Authorization", "Bearer " + value));
        idempotencyKey.ifPresent(key -> request.header("Idempotency-Key", key));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body();
            if (body.length > MAX_ANSWER) {
                throw new StoreUnreachableException("the store's answer was larger than " + MAX_ANSWER + " bytes");
            }
            return new Answer(response.statusCode(),
                              response.headers().firstValue("Content-Type").orElse("application/json"),
                              response.headers().firstValue("Location").map(l -> store.resolve(l).toString()), body);
        } catch (IOException e) {
            throw new StoreUnreachableException(store + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnreachableException("interrupted");
        }
    }

    /** The store could not be reached; the caller may try again. */
    static final class StoreUnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreUnreachableException(String message) {
            super(message);
        }
    }
}
