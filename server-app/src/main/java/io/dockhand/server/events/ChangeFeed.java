package io.dockhand.server.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.dockhand.server.db.Transactions;
import io.dockhand.web.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The replica's one poller of "what changed": while at least one browser listens, it reads a {@link Snapshot} once
 * a second and, when something differs, keeps a small notice (the topics that changed, the runs concerned) in a
 * ring that every subscriber reads from. However many dashboards are open, the database sees one poller per
 * replica. A notice's id is {@code replica.n}: a subscriber that comes back with the id of a notice still in this
 * replica's ring gets what it missed; any other id (another replica's, a forgotten one) gets a resync notice.
 */
public final class ChangeFeed implements AutoCloseable {
    /** Every topic a notice may name. */
    public static final List<String> TOPICS = List.of("runs", "nodes", "jobs", "deployments", "records");
    private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());
    private static final int RING = 256;
    private static final int MAX_RUN_IDS = 100;

    /** One notice: its sequence number in this replica and its JSON. */
    public record Notice(long n, String json) {
    }

    private final Transactions transactions;
    private final Clock clock;
    private final Duration downAfter;
    private final Duration recordsEvery;
    private final String replica = Long.toString(System.currentTimeMillis(), 36)
            + Integer.toString((int) (Math.random() * 1296), 36);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final ArrayDeque<Notice> ring = new ArrayDeque<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("dockhand-change-feed").factory());
    private long next = 1;
    private volatile Snapshot last;
    private long recordsNoticedNanos;
    private boolean recordsPending;
    private long useNoticedNanos;
    private boolean usePending;
    private volatile boolean closed;

    /**
     * A feed polling every {@code every}; a node is down after {@code downAfter} without a heartbeat; records
     * (which agents post all the time) and the deployments' resource use (which every heartbeat changes) are
     * noticed at most once per {@code recordsEvery}.
     */
    public ChangeFeed(Transactions transactions, Clock clock, Duration downAfter, Duration every,
                      Duration recordsEvery) {
        this.transactions = transactions;
        this.clock = clock;
        this.downAfter = downAfter;
        this.recordsEvery = recordsEvery;
        poller.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This replica's part of every notice id. */
    public String replica() {
        return replica;
    }

    /** A subscriber arrives: the poller runs while there is one. */
    public void subscribe() {
        if (subscribers.incrementAndGet() == 1 && last == null) {
            // the first subscriber's baseline, taken before it hears anything: a change right after its hello is
            // then a change, not part of the first snapshot
            try {
                long upSince = (clock.millis() - downAfter.toMillis()) * 1000;
                last = transactions.run(c -> Snapshot.read(c, upSince));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "The change feed could not take its first snapshot", e);
            }
        }
    }

    /** A subscriber leaves. */
    public void unsubscribe() {
        subscribers.decrementAndGet();
    }

    /** How many subscribers listen now. */
    public int subscribers() {
        return subscribers.get();
    }

    /** The number of the newest notice (0 before the first). */
    public long latest() {
        lock.lock();
        try {
            return next - 1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The notices after {@code after}, waiting up to {@code millis} for one; empty after the wait. Null when
     * {@code after} is older than the ring remembers (the caller resyncs).
     */
    public List<Notice> after(long after, long millis) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!closed && next - 1 <= after) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                published.awaitNanos(left);
            }
            if (!ring.isEmpty() && ring.peekFirst().n() > after + 1) {
                return null;
            }
            List<Notice> notices = new ArrayList<>();
            for (Notice notice : ring) {
                if (notice.n() > after) {
                    notices.add(notice);
                }
            }
            return notices;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the feed is closing: subscribers end. */
    public boolean closed() {
        return closed;
    }

    void poll() {
        if (subscribers.get() == 0) {
            // nobody listens: no queries. The last snapshot stays, so the first poll after a quiet spell names
            // what changed meanwhile, and a reader coming back with an old id misses nothing.
            return;
        }
        try {
            long upSince = (clock.millis() - downAfter.toMillis()) * 1000;
            Snapshot now = transactions.run(c -> Snapshot.read(c, upSince));
            Snapshot before = last;
            last = now;
            if (before != null) {
                publish(now, before);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "The change feed could not read the store; trying again", e);
        }
    }

    private void publish(Snapshot now, Snapshot before) {
        List<String> topics = new ArrayList<>();
        Set<String> runs = Set.of();
        if (now.runsChanged(before)) {
            topics.add("runs");
            runs = now.changedRuns(before);
            if (runs.size() > MAX_RUN_IDS) {
                runs = Set.of(); // too many to name: "runs changed", and a page showing one run reads it again
            }
        }
        if (now.nodesChanged(before)) {
            topics.add("nodes");
        }
        if (now.jobsChanged(before)) {
            topics.add("jobs");
        }
        usePending |= now.deploymentUseChanged(before);
        if (now.deploymentsChanged(before)
                || usePending && System.nanoTime() - useNoticedNanos >= recordsEvery.toNanos()) {
            topics.add("deployments");
            usePending = false;
            useNoticedNanos = System.nanoTime();
        }
        recordsPending |= now.recordsChanged(before);
        if (recordsPending && System.nanoTime() - recordsNoticedNanos >= recordsEvery.toNanos()) {
            topics.add("records");
            recordsPending = false;
            recordsNoticedNanos = System.nanoTime();
        }
        if (!topics.isEmpty()) {
            add(topics, runs, false);
        }
    }

    /** Adds a notice naming these topics (and runs) and wakes every subscriber. */
    void add(List<String> topics, Set<String> runs, boolean resync) {
        lock.lock();
        try {
            String json = notice(topics, runs, resync);
            ring.addLast(new Notice(next++, json));
            while (ring.size() > RING) {
                ring.removeFirst();
            }
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The JSON of a notice. */
    static String notice(List<String> topics, Set<String> runs, boolean resync) {
        try {
            return Json.MAPPER.writeValueAsString(new Body(topics, List.copyOf(runs), resync));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Body(List<String> topics, List<String> runs, boolean resync) {
    }

    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        lock.lock();
        try {
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
