package io.dockhand.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Map;

/**
 * Reads a run's log as plain text from a byte offset, and when following, keeps reading as it grows: a dropped
 * connection is opened again from the offset reached (the bytes received counted exactly, so nothing is missed or
 * repeated), until the stream ends and the run is over with all its log read. The bytes go to a sink untouched;
 * making them safe to show is the sink's business.
 */
public final class LogFollower {
    private static final long FIRST_PAUSE_MILLIS = 200;
    private static final long LONGEST_PAUSE_MILLIS = 2000;
    /** Clean ends of a finished run's stream short of its log size, before the log is taken as read. */
    private static final int SHORT_ENDS = 5;

    /** Receives the log's bytes as they come. */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    /** Says whether a followed log is complete once its stream ended cleanly at {@code position}. */
    @FunctionalInterface
    public interface Ending {
        /** Whether the run is over and its log ({@code logBytes}) ends at or before {@code position}. */
        Status at(long position) throws InterruptedException;
    }

    /** What {@link Ending} found. */
    public enum Status { COMPLETE, FINAL_BUT_SHORT, GOING_ON }

    private final FailoverClient client;
    private final Duration patience;

    /**
     * A follower over {@code client}.
     *
     * @param patience how long reconnecting may fail in a row before the follower gives up
     */
    public LogFollower(FailoverClient client, Duration patience) {
        this.client = client;
        this.patience = patience;
    }

    /**
     * Reads the log of run {@code id} from {@code offset} into {@code sink}.
     *
     * @param follow keep reading until the run is over ({@code ending} says when), else read what there is
     * @return the offset reached
     * @throws InterruptedException  when the thread is interrupted (Ctrl-C)
     * @throws ProblemException      when the store refuses (the run does not exist)
     * @throws UnreachableException  when no replica answered for {@code patience}
     */
    public long read(String id, long offset, boolean follow, Sink sink, Ending ending) throws InterruptedException {
        long position = offset;
        long failingSince = -1;
        int shortEnds = 0;
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            long before = position;
            Exception failure = null;
            String path = RunsApi.logPath(id, position, follow);
            long deadline = System.nanoTime() + client.budget().toNanos();
            try (Streams.Opened opened = Streams.open(client, "GET", path, Map.of("Accept", "text/plain"), null,
                                                      () -> System.nanoTime() > deadline)) {
                position = start(opened, position);
                failingSince = -1;
                InputStream in = opened.body();
                byte[] buffer = new byte[16 << 10];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (n > 0) {
                        sink.write(buffer, 0, n);
                        position += n;
                    }
                }
            } catch (ProblemException e) {
                if (e.status() < 500) {
                    throw e;
                }
                failure = e;
            } catch (IOException | UnreachableException e) {
                if (interrupted(e)) {
                    throw new InterruptedException("interrupted while reading the log");
                }
                failure = e;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while reading the log");
            }
            if (failure == null) {
                if (!follow) {
                    return position;
                }
                Status status = ending.at(position);
                if (status == Status.COMPLETE || status == Status.FINAL_BUT_SHORT && ++shortEnds >= SHORT_ENDS) {
                    return position;
                }
            } else {
                long now = System.nanoTime();
                if (failingSince < 0) {
                    failingSince = now;
                } else if (now - failingSince > patience.toNanos()) {
                    throw failure instanceof RuntimeException r ? r
                            : UnreachableException.of(client.role(), "GET", java.util.List.of(path),
                                                      Reasons.of(failure) + ", gave up after "
                                                              + FailoverClient.text(patience), failure);
                }
            }
            pause = position > before ? FIRST_PAUSE_MILLIS : Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
            Thread.sleep(position > before && failure != null ? 0 : pause);
        }
    }

    /** Where the answer says it starts (the store may start elsewhere, such as past a truncated part). */
    private static long start(Streams.Opened opened, long asked) {
        String header = opened.header(RunsApi.LOG_OFFSET);
        if (header == null) {
            return asked;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return asked;
        }
    }

    private static boolean interrupted(Throwable error) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException
                    || t instanceof InterruptedIOException && !(t instanceof java.net.SocketTimeoutException)) {
                return true;
            }
        }
        return false;
    }
}
