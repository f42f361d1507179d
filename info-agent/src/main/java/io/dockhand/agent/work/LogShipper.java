package io.dockhand.agent.work;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.dockhand.api.LogAppend;

/**
 * Ships one attempt's log to the store as it comes: whole lines gathered into chunks per stream, a batch about
 * every 100 ms or as soon as 256 KiB wait, each chunk with the next sequence number of the attempt. A batch that
 * fails to reach the store is sent again with the same numbers (the store keeps a chunk once) until the lease
 * would be lost; once the store says the lease is lost, nothing more is shipped. When more than
 * {@link #MAX_PENDING} bytes wait, the writer waits too, which slows the engine's log stream rather than the
 * agent's memory.
 */
final class LogShipper implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(100);
    static final int BATCH_BYTES = 256 * 1024;
    static final int MAX_PENDING = 8 * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(LogShipper.class.getName());

    private final String runId;
    private final String node;
    private final int attempt;
    private final WorkClient store;
    /**
     * How long a batch, a report or a read is sent again while the store does not answer, even past the lease as this
     * agent last heard it: the store grants every run in progress a fresh lease after an outage of its own (the H2
     * file changing hands takes seconds; a store restart up to a minute), so giving up at the old lease would drop
     * lines the run still owns. A store that answers "lease lost" (409) stops the work at once.
     */
    static final java.time.Duration STORE_PATIENCE = java.time.Duration.ofMinutes(3);

    private final Supplier<Instant> retryUntil;
    private final Runnable onLeaseLost;
    private final Thread shipper;

    private final List<Pending> pending = new ArrayList<>();
    private long pendingBytes;
    private long nextSeq;
    private boolean closed;
    private boolean lost;

    /**
     * @param firstSeq   the sequence number of the first chunk (0 for a fresh attempt)
     * @param retryUntil until when a batch the store did not take is sent again
     * @param onLeaseLost runs once when the store answers that the lease is lost
     */
    LogShipper(String runId, String node, int attempt, WorkClient store, long firstSeq,
               Supplier<Instant> retryUntil, Runnable onLeaseLost) {
        this.runId = runId;
        this.node = node;
        this.attempt = attempt;
        this.store = store;
        this.nextSeq = firstSeq;
        this.retryUntil = retryUntil;
        this.onLeaseLost = onLeaseLost;
        this.shipper = Thread.ofVirtual().name("dockhand-logs-" + runId).start(this::shipLoop);
    }

    /** Adds one line (without its line end) of a stream: {@code build}, {@code stdout}, {@code stderr}, {@code system}. */
    void line(String stream, String text) {
        String line = text + "\n";
        int bytes = line.getBytes(StandardCharsets.UTF_8).length;
        synchronized (this) {
            while (pendingBytes > MAX_PENDING && !closed && !lost) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (lost) {
                return;
            }
            Pending last = pending.isEmpty() ? null : pending.getLast();
            if (last == null || !last.stream.equals(stream) || last.bytes + bytes > BATCH_BYTES) {
                last = new Pending(stream, Instant.now());
                pending.add(last);
            }
            last.text.append(line);
            last.bytes += bytes;
            pendingBytes += bytes;
            if (pendingBytes >= BATCH_BYTES) {
                notifyAll();
            }
        }
    }

    /** Whether the store said the lease is lost. */
    synchronized boolean lost() {
        return lost;
    }

    /** Ships everything added so far and stops; returns once the store has it (or it cannot be shipped). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            shipper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shipper.interrupt();
        }
    }

    private void shipLoop() {
        while (true) {
            List<LogAppend.Chunk> batch;
            boolean last;
            synchronized (this) {
                if (!closed && pendingBytes < BATCH_BYTES) {
                    try {
                        wait(PERIOD.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                last = closed;
                batch = take();
            }
            if (!batch.isEmpty() && !ship(batch)) {
                return;
            }
            if (last) {
                synchronized (this) {
                    if (pending.isEmpty()) {
                        return;
                    }
                }
            }
        }
    }

    /** Takes what waits as one batch, numbering its chunks. Called holding the lock. */
    private List<LogAppend.Chunk> take() {
        List<LogAppend.Chunk> batch = new ArrayList<>(pending.size());
        int bytes = 0;
        while (!pending.isEmpty() && (batch.isEmpty() || bytes + pending.getFirst().bytes <= BATCH_BYTES)) {
            Pending p = pending.removeFirst();
            bytes += p.bytes;
            pendingBytes -= p.bytes;
            batch.add(new LogAppend.Chunk(nextSeq++, p.stream, p.text.toString(), p.at));
        }
        notifyAll();
        return batch;
    }

    /** Sends a batch until the store takes it; false when nothing more is to be shipped (lease lost, interrupted). */
    private boolean ship(List<LogAppend.Chunk> batch) {
        LogAppend append = new LogAppend(node, attempt, batch);
        long backoff = 100;
        Instant patience = Instant.now().plus(STORE_PATIENCE);
        while (true) {
            try {
                store.appendLogs(runId, append);
                return true;
            } catch (WorkClient.LeaseLostException e) {
                synchronized (this) {
                    lost = true;
                    pending.clear();
                    pendingBytes = 0;
                    notifyAll();
                }
                onLeaseLost.run();
                return false;
            } catch (WorkClient.StoreDownException | WorkClient.StoreRefusedException e) {
                Instant now = Instant.now();
                if (e instanceof WorkClient.StoreRefusedException
                        || (now.isAfter(retryUntil.get()) && now.isAfter(patience))) {
                    LOG.log(System.Logger.Level.WARNING, "Dropping " + batch.size() + " log chunks of run " + runId
                            + ": " + e.getMessage());
                    return true;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return false;
                }
                backoff = Math.min(backoff * 2, 1000);
            }
        }
    }

    private static final class Pending {
        final String stream;
        final Instant at;
        final StringBuilder text = new StringBuilder();
        int bytes;

        Pending(String stream, Instant at) {
            this.stream = stream;
            this.at = at;
        }
    }
}
