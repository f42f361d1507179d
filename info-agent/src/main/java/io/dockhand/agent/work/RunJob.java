package io.dockhand.agent.work;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.engine.Engine.Subscription;
import io.dockhand.agent.executor.ExitResult;
import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.agent.executor.Limits;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.RunRef;
import io.dockhand.agent.executor.TaskConflictException;
import io.dockhand.agent.executor.TaskException;
import io.dockhand.agent.executor.TaskNotFoundException;
import io.dockhand.agent.executor.TaskSpec;
import io.dockhand.agent.executor.TaskState;
import io.dockhand.agent.executor.TaskStatus;
import io.dockhand.api.Durations;
import io.dockhand.api.HeartbeatAnswer;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;

/**
 * One run in this agent's hands, from its claim (or its adoption after a restart) to its final report: for a git
 * source the commit resolved and checked out ({@link GitContext}), the image built (or found in the node's cache by
 * the context's digest or the commit), the container started with the run's limits, its output shipped as it
 * comes, its time limit enforced, its exit reported, the container removed. The lease is the agent's to keep:
 * {@link Heartbeats} names it and calls {@link #extend} and {@link #stop}.
 */
final class RunJob {

    private static final System.Logger LOG = System.getLogger(RunJob.class.getName());
    private static final Duration WAIT_SLICE = Duration.ofMillis(500);
    private static final Duration LOG_DRAIN = Duration.ofSeconds(10);

    private final WorkContext work;
    private final Run run;
    private final String taskId;
    private volatile Instant leaseUntil;
    private volatile long leaseSeconds;
    private volatile String stopWhy;
    private volatile boolean leaseLost;
    private volatile boolean started;
    private volatile boolean removed;
    private volatile Thread thread;
    private volatile RunImage imageStep;
    /** The image the run's container is (to be) started from, once obtained: image retention keeps it. */
    private volatile String imageId;

    RunJob(WorkContext work, Run run, long leaseSeconds) {
        this.work = work;
        this.run = run;
        this.taskId = taskId(run.id());
        this.leaseSeconds = leaseSeconds;
        this.leaseUntil = Instant.now().plusSeconds(leaseSeconds);
    }

    /** The task id of a run's container: the driver calls the container {@code dockhand-task-run-<id>}. */
    static String taskId(String runId) {
        return "run-" + runId;
    }

    Run run() {
        return run;
    }

    /**
     * The id of the image this run uses, once built or found in the cache (the claimed {@link Run#imageId()} is
     * still null then); null before. Retention never removes it, not even between its build and its container.
     */
    String imageId() {
        return imageId;
    }

    void imageObtained(String image) {
        imageId = image;
    }

    NodeHeartbeat.Lease lease() {
        return new NodeHeartbeat.Lease(run.id(), run.attempt());
    }

    /** A heartbeat that named this run was answered: the lease lasts {@code seconds} from {@code since}. */
    void extend(Instant since, long seconds) {
        leaseSeconds = seconds;
        leaseUntil = since.plusSeconds(seconds);
    }

    /**
     * The store said to stop: {@code cancelled} or {@code lease-lost} ({@link HeartbeatAnswer.Stop#why()}). A
     * build in progress is abandoned (its thread is interrupted, which closes the engine's build request and
     * makes the engine cancel it); a running container is stopped by the thread that waits for it.
     */
    void stop(String why) {
        if (stopWhy == null) {
            stopWhy = why;
            LOG.log(System.Logger.Level.INFO, "Stopping run " + run.id() + ": " + why);
            if ("lease-lost".equals(why)) {
                leaseLost = true;
            }
            RunImage building = imageStep;
            if (building != null) {
                building.stop();
            }
        }
    }

    /** Carries out a run just claimed. */
    void execute() {
        thread = Thread.currentThread();
        LogShipper log = shipper(0);
        String image = null;
        GitContext git = run.git() == null ? null : new GitContext(work, run, log);
        try {
            String key;
            Supplier<InputStream> context;
            if (git != null) {
                String commit = git.prepare();
                if (stopWhy != null) {
                    finishStopped(log, null);
                    return;
                }
                report(RunState.BUILDING, null, null, null, commit);
                key = git.key();
                context = git::context;
            } else {
                report(RunState.BUILDING, null, null, null);
                key = run.context();
                context = () -> retrying(() -> work.store().context(run.id(), work.node(), run.attempt()));
            }
            imageStep = new RunImage(work, run, key, log, () -> stopWhy != null, () -> leaseUntil, context);
            image = imageStep.obtain();
            imageObtained(image);
            work.images().used(image);
            if (stopWhy != null) {
                finishStopped(log, null);
                return;
            }
            start(image);
            report(RunState.RUNNING, null, null, image);
            follow(log, 0, 0, Instant.now());
        } catch (GitCheckouts.GitFailure e) {
            log.line("system", "The run failed: " + e.getMessage());
            finish(log, RunState.FAILED, null, e.getMessage(), null);
        } catch (ImageBuildException e) {
            log.line("system", "The build failed: " + e.getMessage());
            finish(log, RunState.FAILED, null, "the build failed: " + e.getMessage(), null);
        } catch (RunRefused e) {
            log.line("system", "The run failed: " + e.getMessage());
            finish(log, RunState.FAILED, null, e.getMessage(), image);
        } catch (RunImage.Stopped e) {
            log.line("system", "The build was stopped.");
            finishStopped(log, null);
        } catch (WorkClient.LeaseLostException e) {
            leaseLost = true;
            stopWhy = "lease-lost";
            finishStopped(log, null);
        } catch (RuntimeException e) {
            failed(log, e, image);
        } finally {
            if (git != null) {
                git.close();
            }
            cleanUp(log);
        }
    }

    /**
     * Carries on with a run whose container an earlier agent on this node started, and which the store still
     * has this node hold: the log is followed from the first line the store does not have yet.
     */
    void adopt(TaskStatus task, RunState storeState) {
        thread = Thread.currentThread();
        started = true;
        LogCount shipped = retrying(() -> work.store().logCount(run.id()));
        // The earlier agent's sequence numbers are unknown: this one's start past any it could have used (the
        // store keeps one chunk per number), at the clock's milliseconds times a thousand.
        LogShipper log = shipper(System.currentTimeMillis() * 1000);
        try {
            log.line("system", "The agent on node " + work.node() + " restarted; it carries on following the run.");
            if (storeState == RunState.ASSIGNED) {
                report(RunState.BUILDING, null, null, null);
            }
            if (storeState != RunState.RUNNING) {
                report(RunState.RUNNING, null, null, task.imageId());
            }
            imageObtained(task.imageId());
            work.images().used(task.imageId());
            Instant startedAt = task.startedAt() == null ? Instant.now() : task.startedAt();
            follow(log, shipped.stdout(), shipped.stderr(), startedAt);
        } catch (WorkClient.LeaseLostException e) {
            leaseLost = true;
            stopWhy = "lease-lost";
            finishStopped(log, null);
        } catch (RuntimeException e) {
            failed(log, e, task.imageId());
        } finally {
            cleanUp(log);
        }
    }

    private LogShipper shipper(long firstSeq) {
        return new LogShipper(run.id(), work.node(), run.attempt(), work.store(), firstSeq, () -> leaseUntil,
                () -> {
                    leaseLost = true;
                    stop("lease-lost");
                });
    }

    /** The run asks for something its container cannot have (an engine limit, an environment name). */
    private static final class RunRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A run's container limits: its own CPUs and memory, the node's default memory ({@code agent.limits.memory})
     * when it names none, and always the node's process limit ({@code agent.limits.pids}).
     */
    static Limits limits(Run run, WorkSettings settings) {
        long memory = run.memoryBytes() > 0 ? run.memoryBytes() : settings.memoryBytes();
        return new Limits(run.cpus(), memory, settings.pidsLimit());
    }

    private void start(String image) {
        Limits limits;
        TaskSpec spec;
        try {
            limits = limits(run, work.settings());
            spec = new TaskSpec(taskId, image, run.command(), run.env(), Map.of(), null, limits,
                                new RunRef(run.id(), run.attempt(), work.node()));
        } catch (IllegalArgumentException e) {
            throw new RunRefused("the run cannot be started: " + e.getMessage());
        }
        try {
            try {
                work.driver().start(spec);
            } catch (TaskConflictException e) {
                // A container of this run left by an earlier agent that the settlement did not see: replace it.
                work.driver().destroy(taskId, true);
                work.driver().start(spec);
            }
        } catch (RuntimeException e) {
            // A create or start the engine did not answer in time may have happened all the same: the run is
            // reported failed, so nothing of it may stay on the node.
            removeAfterFailedStart();
            throw e;
        }
        started = true;
    }

    private void removeAfterFailedStart() {
        if (work.closing()) {
            return; // the next agent's settlement removes what is left
        }
        boolean interrupted = Thread.interrupted();
        try {
            work.driver().destroy(taskId, true);
            LOG.log(System.Logger.Level.INFO, "Removed the container of run " + run.id() + " after its start failed");
        } catch (TaskNotFoundException gone) {
            // never created: nothing to remove
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not remove the container of run " + run.id()
                    + " after its start failed", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Follows the container's output, waits for its end (stopping it when told or out of time) and reports it. */
    private void follow(LogShipper log, long skipOut, long skipErr, Instant startedAt) {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicLong out = new AtomicLong(skipOut);
        AtomicLong err = new AtomicLong(skipErr);
        AtomicReference<String> lastError = new AtomicReference<>();
        Subscription logs = work.driver().logs(taskId, true, line -> {
            AtomicLong skip = line.stream() == LogLine.Stream.STDERR ? err : out;
            if (skip.get() > 0) {
                skip.decrementAndGet();
                return;
            }
            if (line.stream() == LogLine.Stream.STDERR) {
                lastError.set(line.text());
            }
            log.line(line.stream() == LogLine.Stream.STDERR ? "stderr" : "stdout", line.text());
        }, ended::countDown);
        try {
            Outcome outcome = await(startedAt);
            try {
                ended.await(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            logs.close();
            if (outcome.timedOut) {
                log.line("system", "Stopped: the run was out of time after "
                        + Durations.format(Duration.ofSeconds(run.timeoutSeconds())) + ".");
                finish(log, RunState.FAILED, outcome.exit.exitCode(), "timed out after "
                        + Durations.format(Duration.ofSeconds(run.timeoutSeconds())), null);
            } else if (stopWhy != null) {
                finishStopped(log, outcome.exit);
            } else {
                ExitResult exit = outcome.exit;
                if (exit.successful()) {
                    finish(log, RunState.SUCCEEDED, 0, null, null);
                } else {
                    finish(log, RunState.FAILED, exit.exitCode(), "exited with code " + exit.exitCode()
                            + (exit.oomKilled() ? ": killed for using more memory than its limit of "
                            + io.dockhand.api.Sizes.format(limits(run, work.settings()).memoryBytes())
                            : notFound(exit.exitCode(), lastError.get())), null);
                }
            }
        } finally {
            logs.close();
        }
    }

    /**
     * What a shell's or the container init's exit code 127 (126) says, with the last line on stderr that tells
     * which command: {@code " (command not found: exec /x failed: No such file or directory)"}; else nothing.
     */
    static String notFound(int exitCode, String lastError) {
        if ((exitCode != 127 && exitCode != 126) || lastError == null || lastError.isBlank()) {
            return "";
        }
        String said = lastError.strip().replaceFirst("^\\[FATAL tini \\(\\d+\\)\\] ", "");
        if (said.length() > 300) {
            said = said.substring(0, 300) + "…";
        }
        return " (" + (exitCode == 127 ? "command not found" : "command not executable") + ": " + said + ")";
    }

    private record Outcome(ExitResult exit, boolean timedOut) {
    }

    private Outcome await(Instant startedAt) {
        Instant deadline = run.timeoutSeconds() > 0 ? startedAt.plusSeconds(run.timeoutSeconds()) : null;
        boolean stopping = false;
        boolean timedOut = false;
        while (true) {
            if (work.closing()) {
                throw new AgentClosing();
            }
            Optional<ExitResult> exit = work.driver().waitFor(taskId, WAIT_SLICE);
            if (exit.isPresent()) {
                return new Outcome(exit.get(), timedOut);
            }
            if (!stopping && (stopWhy != null || (deadline != null && Instant.now().isAfter(deadline)))) {
                timedOut = stopWhy == null;
                stopping = true;
                work.driver().stop(taskId, work.settings().stopGrace());
            }
        }
    }

    /** The end after a stop the store asked for: cancelled by a user, or no longer this agent's (late, recorded). */
    private void finishStopped(LogShipper log, ExitResult exit) {
        Integer code = exit == null ? null : exit.exitCode();
        if ("cancelled".equals(stopWhy)) {
            log.line("system", "Cancelled by a user" + (started ? ": the container was stopped and removed." : "."));
            finish(log, RunState.CANCELLED, code, "cancelled by a user", null);
        } else {
            finish(log, RunState.LOST, code, "the agent on node " + work.node()
                    + " stopped the run's container: it no longer held the run's lease", null);
        }
    }

    private void failed(LogShipper log, RuntimeException e, String image) {
        if (e instanceof AgentClosing || work.closing()) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Run " + run.id() + " failed on this node", e);
        String why = e instanceof EngineUnavailableException
                ? "the node's Docker Engine failed: " + e.getMessage()
                : e instanceof TaskException ? e.getMessage()
                : e instanceof WorkClient.StoreDownException ? "the agent could not reach the control plane: "
                        + e.getMessage()
                : "the agent failed: " + e;
        log.line("system", "The run failed on node " + work.node() + ": " + why);
        finish(log, RunState.FAILED, null, why, image);
    }

    /**
     * Ships the whole log first (so a follower has it all when the run ends), removes the container (so a run
     * reported final has nothing left on the node), then reports the end.
     */
    private void finish(LogShipper log, RunState state, Integer exitCode, String reason, String image) {
        log.close();
        removeContainer();
        try {
            if (leaseLost) {
                // Recorded late by the store, changing nothing: one attempt.
                work.store().report(run.id(), new RunReport(work.node(), run.attempt(), state, exitCode, reason,
                        image, Instant.now()));
            } else {
                report(state, exitCode, reason, image);
            }
        } catch (WorkClient.LeaseLostException e) {
            LOG.log(System.Logger.Level.INFO, "Run " + run.id() + " ended " + state.wire()
                    + " after its lease was lost; the store recorded the report late");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not report run " + run.id() + " " + state.wire(), e);
        }
    }

    private void cleanUp(LogShipper log) {
        log.close();
        if (work.closing()) {
            // The next agent on this node settles what is left.
            work.jobs().remove(run.id(), this);
            return;
        }
        removeContainer();
        work.jobs().remove(run.id(), this);
    }

    private void removeContainer() {
        if (started && !removed && !work.closing()) {
            try {
                work.driver().destroy(taskId, true);
                removed = true;
            } catch (TaskNotFoundException gone) {
                removed = true;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not remove the container of run " + run.id(), e);
            }
        }
    }

    /** Reports a state, retrying while the store is unreachable and the lease would still hold. */
    private Run report(RunState state, Integer exitCode, String reason, String image) {
        return report(state, exitCode, reason, image, null);
    }

    /** A report with the commit a git run builds ({@code building}). */
    private Run report(RunState state, Integer exitCode, String reason, String image, String commit) {
        RunReport report = new RunReport(work.node(), run.attempt(), state, exitCode, reason, image, Instant.now(),
                                         commit);
        return retrying(() -> work.store().report(run.id(), report), state.isFinal());
    }

    private <T> T retrying(Supplier<T> call) {
        return retrying(call, false);
    }

    private <T> T retrying(Supplier<T> call, boolean longer) {
        long backoff = 200;
        Instant patience = Instant.now().plus(LogShipper.STORE_PATIENCE);
        while (true) {
            try {
                return call.get();
            } catch (WorkClient.StoreDownException e) {
                Instant giveUp = longer ? leaseUntil.plusSeconds(leaseSeconds) : leaseUntil;
                if (giveUp.isBefore(patience)) {
                    giveUp = patience; // see LogShipper.STORE_PATIENCE
                }
                if (Instant.now().isAfter(giveUp) || work.closing()) {
                    throw e;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new AgentClosing();
                }
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    /** Interrupts the run's thread when the agent closes. */
    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Whether a container was a run's that its agent started (not one left merely created). */
    static boolean wasStarted(TaskStatus task) {
        return task.state() == TaskState.RUNNING || task.state() == TaskState.EXITED;
    }

    /** The agent is shutting down: the run is left as it is. */
    static final class AgentClosing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AgentClosing() {
            super("the agent is shutting down", null, false, false);
        }
    }
}
