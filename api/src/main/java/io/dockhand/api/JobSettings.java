package io.dockhand.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A project's settings ({@code PUT /api/v1/jobs/{project}}; a project that was never set has the defaults). In a
 * {@code PUT}, a field left out keeps its value.
 *
 * @param concurrency    how many of its tasks run at once; 0 for as many as the nodes' slots allow (default)
 * @param maxAttempts    how many attempts a task gets (default 3)
 * @param leaseSeconds   how long an attempt's lease lasts without a heartbeat: a worker silent that long has its
 *                       task given to another (default 30)
 * @param backoffSeconds how long a failed task waits before its second attempt; each later wait doubles, up to
 *                       {@link #MAX_BACKOFF_SECONDS} (default 5)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSettings(Integer concurrency, Integer maxAttempts, Long leaseSeconds, Long backoffSeconds) {

    public static final JobSettings DEFAULTS = new JobSettings(0, 3, 30L, 5L);
    public static final long MAX_BACKOFF_SECONDS = 300;
}
