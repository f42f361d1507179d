package io.dockhand.server.runs;

/**
 * In-process wake-ups: a claimer waiting for work and a follower waiting for log text wake at once when this
 * replica queued a run or stored a chunk (other replicas' changes are seen by polling the database).
 */
public final class Signals {
    private final Object work = new Object();
    private final Object logs = new Object();
    private volatile boolean closed;

    void workQueued() {
        synchronized (work) {
            work.notifyAll();
        }
    }

    void logStored() {
        synchronized (logs) {
            logs.notifyAll();
        }
    }

    void awaitWork(long millis) {
        await(work, millis);
    }

    void awaitLog(long millis) {
        await(logs, millis);
    }

    /** Whether the server is closing: waiters stop. */
    boolean closed() {
        return closed || Thread.currentThread().isInterrupted();
    }

    /** Ends every wait: the server is closing. */
    public void close() {
        closed = true;
        workQueued();
        logStored();
    }

    private void await(Object monitor, long millis) {
        if (closed || millis <= 0) {
            return;
        }
        synchronized (monitor) {
            try {
                monitor.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
