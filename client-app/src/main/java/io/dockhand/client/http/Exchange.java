package io.dockhand.client.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request and its whole answer, body included, within one deadline and one size cap. The JDK's request
 * timeout ends when the headers arrive; here a server that stalls or trickles the body is cut off at the deadline
 * too (the exchange is cancelled, which closes the connection), and a body is never held past the cap.
 */
final class Exchange {
    /** The most a successful answer may hold: 16 MiB, far above any page of 1000 records. */
    static final int MAX_BODY = 16 << 20;
    /** The most of an error answer kept: a problem document is small; the rest is dropped, not refused. */
    static final int MAX_ERROR_BODY = 64 << 10;

    private Exchange() {
    }

    /**
     * Sends {@code request} and reads the answer within {@code timeout}.
     *
     * @throws HttpTimeoutException when the answer is not complete in time
     * @throws TooLargeException    when a successful answer is larger than {@link #MAX_BODY}
     * @throws IOException          when the connection fails
     */
    static HttpResponse<byte[]> send(HttpClient http, HttpRequest request, Duration timeout)
            throws IOException, InterruptedException {
        Bounded handler = new Bounded();
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, handler);
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException(handler.body == null ? "timed out" : "timed out reading the answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        } finally {
            if (!answer.isDone()) {
                answer.cancel(true);
                handler.cancel();
            }
        }
    }

    /** A successful answer larger than the client holds; reading stopped at the cap. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("the answer is larger than " + (MAX_BODY >> 20) + " MiB, the most the client reads");
        }
    }

    /** Collects the body up to the cap its status allows. */
    private static final class Bounded implements HttpResponse.BodyHandler<byte[]> {
        private volatile Collector body;

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            boolean error = info.statusCode() >= 400;
            Collector collector = new Collector(error ? MAX_ERROR_BODY : MAX_BODY, error);
            if (!error && info.headers().firstValueAsLong("Content-Length").orElse(0) > MAX_BODY) {
                collector.result.completeExceptionally(new TooLargeException());
            }
            body = collector;
            return collector;
        }

        void cancel() {
            Collector collector = body;
            if (collector != null) {
                collector.stop();
            }
        }
    }

    /** The body's bytes, one buffer list at a time, never more than {@code cap}. */
    private static final class Collector implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final boolean truncate;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        Collector(int cap, boolean truncate) {
            this.cap = cap;
            this.truncate = truncate;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int room = cap - bytes.size();
                if (buffer.remaining() > room) {
                    if (truncate) {
                        append(buffer, room);
                        result.complete(bytes.toByteArray());
                    } else {
                        result.completeExceptionally(new TooLargeException());
                    }
                    stop();
                    return;
                }
                append(buffer, buffer.remaining());
            }
            subscription.request(1);
        }

        private void append(ByteBuffer buffer, int length) {
            byte[] chunk = new byte[length];
            buffer.get(chunk);
            bytes.write(chunk, 0, length);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return result;
        }

        void stop() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
