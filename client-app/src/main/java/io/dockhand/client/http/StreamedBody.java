package io.dockhand.client.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body made while it is sent (chunked): a writer fills an output stream on its own thread, in pieces of
 * 64 KiB, and waits while the connection is behind, so the body is never held whole. The writer starts only when
 * the HTTP client asks for the body (after {@code 100 Continue}), and stops when the exchange is abandoned.
 */
public final class StreamedBody implements HttpRequest.BodyPublisher {
    private static final int PIECE = 64 << 10;
    private static final int PIECES_AHEAD = 16;

    /** Writes the whole body to {@code out}. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private final Writer writer;
    private final AtomicLong sent;
    private volatile boolean done;

    /**
     * A body {@code writer} writes; {@code sent} counts the bytes handed to the connection so far.
     */
    public StreamedBody(Writer writer, AtomicLong sent) {
        this.writer = writer;
        this.sent = sent;
    }

    /** Whether the writer wrote the whole body. */
    public boolean done() {
        return done;
    }

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        SubmissionPublisher<ByteBuffer> publisher = new SubmissionPublisher<>(
                Executors.newVirtualThreadPerTaskExecutor(), PIECES_AHEAD);
        publisher.subscribe(subscriber);
        Thread.ofVirtual().name("dockhand-upload").start(() -> {
            try (Pieces out = new Pieces(publisher)) {
                writer.write(out);
                out.flush();
                done = true;
                publisher.close();
            } catch (IOException | RuntimeException e) {
                publisher.closeExceptionally(e);
            }
        });
    }

    /** Hands the bytes on in pieces, blocking while the subscriber is behind. */
    private final class Pieces extends OutputStream {
        private final SubmissionPublisher<ByteBuffer> publisher;
        private byte[] piece = new byte[PIECE];
        private int length;

        Pieces(SubmissionPublisher<ByteBuffer> publisher) {
            this.publisher = publisher;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, PIECE - length);
                System.arraycopy(b, off, piece, length, n);
                length += n;
                off += n;
                len -= n;
                if (length == PIECE) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (length == 0) {
                return;
            }
            if (publisher.isClosed() || publisher.getNumberOfSubscribers() == 0) {
                throw new IOException("the upload was abandoned");
            }
            publisher.submit(ByteBuffer.wrap(piece, 0, length));
            sent.addAndGet(length);
            piece = new byte[PIECE];
            length = 0;
        }
    }
}
