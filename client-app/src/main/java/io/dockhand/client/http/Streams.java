package io.dockhand.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Exchanges whose body is read as it comes (a followed log) or sent as it is made (an uploaded build context), so
 * they have no whole-answer deadline: the caller says how long to wait for the answer's headers. A target that
 * cannot be connected to (or, for a GET, answers 502, 503 or 504) gives way to the next one; once a request body
 * may have left, nothing is retried.
 */
public final class Streams {
    private static final Set<Integer> RETRIED_STATUS = Set.of(502, 503, 504);
    private static final long POLL_MILLIS = 100;

    private Streams() {
    }

    /**
     * An answer whose body is still to be read.
     *
     * @param response the status and headers; the body as a stream the caller closes
     * @param url      the URL asked, with the configured host name
     */
    public record Opened(HttpResponse<InputStream> response, String url) implements AutoCloseable {
        /** The value of a response header, or {@code null}. */
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The body. */
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // closing a dropped connection
            }
        }
    }

    /**
     * Sends a request and returns as soon as the answer's headers arrive.
     *
     * @param client   the service and its addresses
     * @param method   {@code GET} or {@code POST}
     * @param path     path and query, encoded
     * @param headers  headers to add
     * @param body     a fresh body for each attempt, or {@code null} for none
     * @param patience asked every 100 ms while waiting: {@code true} gives up ({@code HttpTimeoutException})
     * @throws ProblemException     when the service answers with an error (its problem document read, bounded)
     * @throws UnreachableException when no address could be connected to
     * @throws IOException          when the exchange failed after a connection was made (the body may have left)
     */
    public static Opened open(FailoverClient client, String method, String path, Map<String, String> headers,
                              Supplier<HttpRequest.BodyPublisher> body, BooleanSupplier patience)
            throws IOException, InterruptedException {
        Set<String> seen = new LinkedHashSet<>();
        IOException last = null;
        ProblemException serverError = null;
        for (Target target : client.targets()) {
            seen.add(target.describe(path));
            HttpRequest.Builder request = client.streamRequest(target, path);
            headers.forEach(request::setHeader);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.expectContinue(true).method(method, body.get());
            }
            HttpResponse<InputStream> response;
            try {
                response = await(client.http().sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()),
                                 patience);
            } catch (IOException e) {
                if (!connectFailure(e)) {
                    throw e;
                }
                last = e;
                serverError = null;
                continue;
            }
            String url = target.url(path);
            int status = response.statusCode();
            if (status >= 400) {
                ProblemException problem = ProblemException.of(status, errorBody(response.body()), method, url);
                if (body == null && RETRIED_STATUS.contains(status)) {
                    serverError = problem;
                    continue;
                }
                throw problem;
            }
            client.answered(target);
            return new Opened(response, url);
        }
        if (serverError != null) {
            throw serverError;
        }
        throw UnreachableException.of(client.role(), method, List.copyOf(seen),
                                      last == null ? "no address to try" : Reasons.of(last), last);
    }

    private static HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> answer,
                                                   BooleanSupplier patience)
            throws IOException, InterruptedException {
        try {
            while (true) {
                try {
                    return answer.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (patience.getAsBoolean()) {
                        throw new HttpTimeoutException("timed out");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c
                    && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        } finally {
            if (!answer.isDone()) {
                answer.cancel(true);
            }
        }
    }

    /** Whether the request never reached the service (so another address may have it). */
    static boolean connectFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static byte[] errorBody(InputStream body) {
        try (body) {
            return body.readNBytes(Exchange.MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
