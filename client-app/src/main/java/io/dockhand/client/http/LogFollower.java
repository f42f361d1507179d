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

    /**
     * What {@link Ending} found: the run is over and its log read ({@code COMPLETE}) or not yet
     * ({@code FINAL_BUT_SHORT}); it goes on and its log holds more than was read ({@code BEHIND}) or not
     * ({@code GOING_ON}).
     */
    public enum Status { COMPLETE, FINAL_BUT_SHORT, BEHIND, GOING_ON }

    private final FailoverClient client;
    private final Duration patience;
    private final Duration watch;

    /**
     * A follower over {@code client}.
     *
     * @param patience how long reconnecting may fail in a row before the follower gives up
     * @param watch    how long a followed stream may bring nothing before the store is asked (on a fresh
     *                 connection) whether the log grew meanwhile: if it did, or the run is over, the silent
     *                 connection is dropped and opened again (a replica that died without closing it)
     */
    public LogFollower(FailoverClient client, Duration patience, Duration watch) {
        this.client = client;
        this.patience = patience;
        this.watch = watch;
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
            Watchdog watchdog = null;
            try (Streams.Opened opened = Streams.open(client, "GET", path, Map.of("Accept", "text/plain"), null,
                                                      () -> System.nanoTime() > deadline)) {
                position = start(opened, position);
                failingSince = -1;
                watchdog = follow ? new Watchdog(ending, position) : null;
                InputStream in = opened.body();
                byte[] buffer = new byte[16 << 10];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (n > 0) {
                        sink.write(buffer, 0, n);
                        position += n;
                        if (watchdog != null) {
                            watchdog.reached(position);
                        }
                    }
                }
            } catch (ProblemException e) {
                if (e.status() < 500) {
                    throw e;
                }
                failure = e;
            } catch (IOException | UnreachableException e) {
                if (watchdog != null && watchdog.stop()) {
                    failure = new IOException("the log stream went silent while the log grew");
                } else if (interrupted(e)) {
                    throw new InterruptedException("interrupted while reading the log");
                } else {
                    failure = e;
                }
            } finally {
                if (watchdog != null && watchdog.stop() && failure == null) {
                    failure = new IOException("the log stream went silent while the log grew");
                }
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

    /**
     * Watches a followed stream from beside it: when it has brought nothing for {@link #watch}, asks the store
     * whether the log grew (or the run ended); if so the connection is silent for no good reason, and the reading
     * thread is interrupted to open another.
     */
    private final class Watchdog {
        private final Thread reader = Thread.currentThread();
        private final Object lock = new Object();
        private final Thread thread;
        private volatile long position;
        private volatile long lastData = System.nanoTime();
        private boolean done;
        private boolean fired;

        Watchdog(Ending ending, long position) {
            this.position = position;
            this.thread = Thread.ofVirtual().name("dockhand-log-watch").start(() -> watch(ending));
        }

        void reached(long at) {
            position = at;
            lastData = System.nanoTime();
        }

        private void watch(Ending ending) {
            try {
                while (true) {
                    Thread.sleep(Math.max(10, watch.toMillis() / 4));
                    synchronized (lock) {
                        if (done) {
                            return;
                        }
                    }
                    if (System.nanoTime() - lastData < watch.toNanos()) {
                        continue;
                    }
                    Status status;
                    try {
                        status = ending.at(position);
                    } catch (RequestFailedException e) {
                        continue;
                    }
                    if (status != Status.GOING_ON) {
                        synchronized (lock) {
                            if (!done) {
                                fired = true;
                                reader.interrupt();
                            }
                        }
                        return;
                    }
                    lastData = System.nanoTime();
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        /** Stops watching; whether it fired (its interrupt of the reader is then cleared). */
        boolean stop() {
            boolean wasFired;
            synchronized (lock) {
                done = true;
                wasFired = fired;
            }
            thread.interrupt();
            if (wasFired) {
                Thread.interrupted();
            }
            return wasFired;
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
