package io.dockhand.api;

/**
 * What {@code POST /api/v1/jobs/{project}/tasks} did.
 *
 * @param accepted how many tasks the request held
 * @param created  how many of them were new
 * @param existing how many were there already with the same spec (a resubmission changes nothing)
 */
public record TaskSubmission(long accepted, long created, long existing) {
}
