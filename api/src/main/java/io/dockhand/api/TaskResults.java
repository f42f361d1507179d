package io.dockhand.api;

import java.util.List;

/**
 * Results read from a project's Done after a place ({@code GET /api/v1/jobs/{project}/results?after=SEQ}).
 *
 * @param results  the results after it, oldest first
 * @param last     where the next read starts ({@code after=}): the last result's seq, else the one asked with
 * @param finished whether every task of the project had its result when this was read
 */
public record TaskResults(List<TaskResult> results, long last, boolean finished) {
}
