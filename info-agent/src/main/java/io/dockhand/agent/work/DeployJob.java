package io.dockhand.agent.work;

import java.time.Instant;
import java.util.function.Supplier;

import io.dockhand.agent.engine.EngineUnavailableException;
import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.agent.executor.TaskException;
import io.dockhand.api.NodeHeartbeat;
import io.dockhand.api.Run;
import io.dockhand.api.RunDeploy;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;

/**
 * A deployment's run in this agent's hands ({@link Run#deploy()} set): a build that pushes the app's image
 * ({@link DeployBuild}), a serve run that makes the app's swarm service and then follows it for as long as the
 * deployment lives ({@link DeployServe}), or the removal of a destroyed deployment ({@link DeployRemove}). Its lease
 * is kept like a {@link RunJob}'s: {@link Heartbeats} names it, extends it and passes on a stop.
 */
abstract class DeployJob {

    private static final System.Logger LOG = System.getLogger(DeployJob.class.getName());

    protected final WorkContext work;
    protected final Run run;
    protected final RunDeploy deploy;
    protected volatile Instant leaseUntil;
    protected volatile long leaseSeconds;
    protected volatile String stopWhy;
    private volatile boolean leaseLost;
    private volatile Thread thread;
    private boolean finished;

    DeployJob(WorkContext work, Run run, long leaseSeconds) {
        this.work = work;
        this.run = run;
        this.deploy = run.deploy();
        this.leaseSeconds = leaseSeconds;
        this.leaseUntil = Instant.now().plusSeconds(leaseSeconds);
    }

    /** The job for a claimed deployment run. */
    static DeployJob of(WorkContext work, Run run, long leaseSeconds) {
        return switch (run.deploy().op()) {
            case "build" -> new DeployBuild(work, run, leaseSeconds);
            case "serve" -> new DeployServe(work, run, leaseSeconds);
            case "remove" -> new DeployRemove(work, run, leaseSeconds);
            default -> new Unknown(work, run, leaseSeconds);
        };
    }

    /** Whether it holds one of the node's slots: a build does; serving and removing only talk to swarm. */
    boolean takesSlot() {
        return false;
    }

    Run run() {
        return run;
    }

    NodeHeartbeat.Lease lease() {
        return new NodeHeartbeat.Lease(run.id(), run.attempt());
    }

    void extend(Instant since, long seconds) {
        leaseSeconds = seconds;
        leaseUntil = since.plusSeconds(seconds);
    }

    /** The store said to stop ({@code cancelled} or {@code lease-lost}). */
    void stop(String why) {
        if (stopWhy == null) {
            stopWhy = why;
            LOG.log(System.Logger.Level.INFO, "Stopping " + deploy.op() + " run " + run.id() + " of deployment "
                    + deploy.deployment() + ": " + why);
            if ("lease-lost".equals(why)) {
                leaseLost = true;
            }
            stopped();
        }
    }

    /** What the job does at once when told to stop (its thread sees {@link #stopWhy} as well). */
    protected void stopped() {
    }

    /** Interrupts the job's thread when the agent closes. */
    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Carries out the run, to its final report. */
    final void execute() {
        thread = Thread.currentThread();
        LogShipper log = new LogShipper(run.id(), work.node(), run.attempt(), work.store(), 0, () -> leaseUntil,
                                        () -> stop("lease-lost"));
        try {
            carryOut(log);
        } catch (WorkClient.LeaseLostException e) {
            leaseLost = true;
            stopWhy = "lease-lost";
            finishStopped(log);
        } catch (RunJob.AgentClosing e) {
            // the next agent takes it up (a serve run) or the store's lease runs out
        } catch (RuntimeException e) {
            if (!work.closing()) {
                LOG.log(System.Logger.Level.WARNING, deploy.op() + " run " + run.id() + " failed on this node", e);
                String why = e instanceof EngineUnavailableException
                        ? "the node's Docker Engine failed: " + e.getMessage()
                        : e instanceof TaskException || e instanceof RegistryClient.RegistryException ? e.getMessage()
                        : e instanceof WorkClient.StoreDownException ? "the agent could not reach the control plane: "
                                + e.getMessage()
                        : "the agent failed: " + e;
                log.line("system", "The " + deploy.op() + " run failed on node " + work.node() + ": " + why);
                finish(log, RunState.FAILED, why, null);
            }
        } finally {
            log.close();
            work.deploys().remove(run.id(), this);
        }
    }

    /** Does the run's work and reports its end with {@link #finish}. */
    protected abstract void carryOut(LogShipper log);

    protected ServiceDriver services() {
        return work.driver().services();
    }

    /** The end after a stop the store asked for. */
    protected void finishStopped(LogShipper log) {
        if ("cancelled".equals(stopWhy)) {
            finish(log, RunState.CANCELLED, "cancelled: the deployment moved on", null);
        } else {
            finish(log, RunState.LOST, "the agent on node " + work.node() + " no longer held the run's lease", null);
        }
    }

    /** Ships the log, then reports the end (once). */
    protected void finish(LogShipper log, RunState state, String reason, String image) {
        if (finished) {
            return;
        }
        finished = true;
        log.close();
        try {
            if (leaseLost) {
                work.store().report(run.id(), new RunReport(work.node(), run.attempt(), state, null, reason, image,
                                                            Instant.now()));
            } else {
                report(state, reason, image, null);
            }
        } catch (WorkClient.LeaseLostException e) {
            LOG.log(System.Logger.Level.INFO, "Run " + run.id() + " ended " + state.wire()
                    + " after its lease was lost; the store recorded the report late");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not report run " + run.id() + " " + state.wire(), e);
        }
    }

    /** Reports a state, retrying while the store is unreachable and the lease would still hold. */
    protected Run report(RunState state, String reason, String image, String commit) {
        RunReport report = new RunReport(work.node(), run.attempt(), state, null, reason, image, Instant.now(), commit);
        return retrying(() -> work.store().report(run.id(), report));
    }

    protected <T> T retrying(Supplier<T> call) {
        long backoff = 200;
        Instant patience = Instant.now().plus(LogShipper.STORE_PATIENCE);
        while (true) {
            try {
                return call.get();
            } catch (WorkClient.StoreDownException e) {
                Instant giveUp = leaseUntil.isBefore(patience) ? patience : leaseUntil;
                if (Instant.now().isAfter(giveUp) || work.closing()) {
                    throw e;
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    /** Sleeps; the agent closing ends the job. */
    protected void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunJob.AgentClosing();
        }
        if (work.closing()) {
            throw new RunJob.AgentClosing();
        }
    }

    /** An operation this agent does not know: failed, saying so. */
    private static final class Unknown extends DeployJob {
        Unknown(WorkContext work, Run run, long leaseSeconds) {
            super(work, run, leaseSeconds);
        }

        @Override
        protected void carryOut(LogShipper log) {
            log.line("system", "This agent does not know the deployment operation '" + deploy.op() + "'.");
            finish(log, RunState.FAILED, "the agent on node " + work.node() + " does not know the deployment"
                    + " operation '" + deploy.op() + "'", null);
        }
    }
}
