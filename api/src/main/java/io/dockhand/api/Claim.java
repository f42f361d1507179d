package io.dockhand.api;

/**
 * What {@code POST /api/v1/nodes/{id}/claim} answers an agent: a run it now holds under a lease. The agent keeps
 * the lease alive by naming {@code (run.id, run.attempt)} in every heartbeat; it fetches the context from
 * {@code GET /api/v1/runs/{id}/context}, reports each state with {@link RunReport} and appends its log with
 * {@link LogAppend}, always giving {@code run.attempt}.
 *
 * @param run          the run, in state {@code assigned}, with its {@code attempt}
 * @param leaseSeconds how long the lease lasts without a heartbeat that names it
 */
public record Claim(Run run, long leaseSeconds) {
}
