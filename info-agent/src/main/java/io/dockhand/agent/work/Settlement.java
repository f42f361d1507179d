package io.dockhand.agent.work;

import java.time.Instant;
import java.util.Optional;

import io.dockhand.agent.executor.RunRef;
import io.dockhand.agent.executor.TaskNotFoundException;
import io.dockhand.agent.executor.TaskState;
import io.dockhand.agent.executor.TaskStatus;
import io.dockhand.api.Run;
import io.dockhand.api.RunReport;
import io.dockhand.api.RunState;

/**
 * What an agent does with the containers of its node's runs when it starts (an earlier agent on the node was
 * killed or stopped): a run the store still has this node hold, with the same attempt, is adopted and carried on;
 * any other container is stopped and removed, and what became of it is reported (the store records a late report
 * and changes nothing). A container that was created but never started is removed.
 */
final class Settlement {

    private static final System.Logger LOG = System.getLogger(Settlement.class.getName());

    private final WorkContext work;

    Settlement(WorkContext work) {
        this.work = work;
    }

    /**
     * Settles every container of this node's runs; adopted runs are registered as held and carried on by
     * {@code adopt} on threads of their own.
     *
     * @throws WorkClient.StoreDownException when the store cannot be asked; the caller tries again
     */
    void settle(java.util.function.Consumer<Runnable> adopt) {
        for (TaskStatus task : work.driver().runTasks(work.node())) {
            RunRef ref = task.run();
            if (ref == null || work.jobs().containsKey(ref.runId())) {
                continue;
            }
            Optional<Run> found = work.store().run(ref.runId());
            boolean ours = found.isPresent() && found.get().state().isInProgress()
                    && work.node().equals(found.get().node()) && found.get().attempt() == ref.attempt();
            if (ours && RunJob.wasStarted(task) && !found.get().cancelRequested()) {
                Run run = found.get();
                RunJob job = new RunJob(work, run, 10);
                work.jobs().put(run.id(), job);
                LOG.log(System.Logger.Level.INFO, "Adopting run " + run.id() + " (attempt " + ref.attempt()
                        + "), left " + task.state().name().toLowerCase(java.util.Locale.ROOT) + " by an earlier agent");
                adopt.accept(() -> job.adopt(task, run.state()));
                continue;
            }
            remove(task);
            if (found.isEmpty()) {
                continue;
            }
            RunReport report = report(task, ref, ours, found.get());
            try {
                work.store().report(ref.runId(), report);
                LOG.log(System.Logger.Level.INFO, "Settled run " + ref.runId() + ": " + report.state().wire()
                        + ", " + report.reason());
            } catch (WorkClient.LeaseLostException late) {
                LOG.log(System.Logger.Level.INFO, "Settled run " + ref.runId() + " after its lease was lost: "
                        + report.reason() + " (recorded late)");
            } catch (WorkClient.StoreRefusedException e) {
                LOG.log(System.Logger.Level.WARNING, "The store refused the settlement of run " + ref.runId() + ": "
                        + e.getMessage());
            }
        }
    }

    private RunReport report(TaskStatus task, RunRef ref, boolean ours, Run run) {
        RunState state;
        Integer exitCode = task.exitCode();
        String reason;
        if (ours && run.cancelRequested()) {
            state = RunState.CANCELLED;
            reason = "cancelled by a user";
        } else if (task.state() == TaskState.CREATED) {
            state = RunState.FAILED;
            reason = "the agent on node " + work.node() + " restarted before the run's container started";
        } else if (!ours && task.state() == TaskState.EXITED && exitCode != null) {
            state = exitCode == 0 && !task.oomKilled() ? RunState.SUCCEEDED : RunState.FAILED;
            reason = "the container exited with code " + exitCode + " while the agent on node " + work.node()
                    + " was away; it was removed when the agent came back";
        } else {
            state = RunState.LOST;
            reason = "the agent on node " + work.node() + " restarted after losing the run's lease; "
                    + "it stopped and removed the container";
        }
        return new RunReport(work.node(), ref.attempt(), state, exitCode, reason, task.imageId(), Instant.now());
    }

    private void remove(TaskStatus task) {
        try {
            work.driver().destroy(task.taskId(), true);
            LOG.log(System.Logger.Level.INFO, "Removed the container of run " + task.run().runId() + " (was "
                    + task.state().name().toLowerCase(java.util.Locale.ROOT) + ")");
        } catch (TaskNotFoundException gone) {
            // removed already
        }
    }
}
