package io.dockhand.api;

/**
 * The job task a run is an attempt of.
 *
 * @param project the task's project
 * @param taskId  the task's id in its project (the submitter's)
 */
public record TaskRef(String project, String taskId) {
}
