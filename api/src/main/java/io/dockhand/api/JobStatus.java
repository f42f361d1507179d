package io.dockhand.api;

import java.util.Map;

/**
 * A project at a glance.
 *
 * @param project   its name
 * @param settings  its settings
 * @param counts    tasks by state (every state present, 0 included)
 * @param total     how many tasks it has
 * @param finished  how many have their result on Done
 * @param exitCodes the final results' exit codes: how many ended with each ({@code "none"} when the command never
 *                  ended: a clone or build failure, a lost worker, a cancel)
 */
public record JobStatus(String project, JobSettings settings, Map<TaskState, Long> counts, long total, long finished,
                        Map<String, Long> exitCodes) {

    /** Whether every task has its result. */
    public boolean done() {
        return finished == total;
    }
}
