package io.dockhand.server.runs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process wake-ups: a claimer waiting for work and a follower waiting for log text wake at once when this
 * replica queued a run or stored a chunk (other replicas' changes are seen by polling the database). Locks and
 * conditions, not monitors: a virtual thread waiting on a monitor pins its carrier on JDK 21.
 */
public final class Signals {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition logs = lock.newCondition();
    private final Condition results = lock.newCondition();
    private volatile boolean closed;

    public void workQueued() {
        signal(work);
    }

    void logStored() {
        signal(logs);
    }

    /** A task's result went to Done on this replica. */
    public void resultStored() {
        signal(results);
    }

    /** Waits up to {@code millis} for a result stored on this replica. */
    public void awaitResult(long millis) {
        await(results, millis);
    }

    void awaitWork(long millis) {
        await(work, millis);
    }

    void awaitLog(long millis) {
        await(logs, millis);
    }

    /** Whether the server is closing: waiters stop. */
    public boolean closed() {
        return closed || Thread.currentThread().isInterrupted();
    }

    /** Ends every wait: the server is closing. */
    public void close() {
        closed = true;
        workQueued();
        logStored();
        resultStored();
    }

    private void signal(Condition condition) {
        lock.lock();
        try {
            condition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void await(Condition condition, long millis) {
        if (closed || millis <= 0) {
            return;
        }
        lock.lock();
        try {
            condition.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
