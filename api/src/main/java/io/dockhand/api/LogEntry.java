package io.dockhand.api;

import java.time.Instant;

/**
 * A piece of a run's log as readers get it in JSON: one Server-Sent Event's data
 * ({@code GET /api/v1/runs/{id}/logs} with {@code Accept: text/event-stream}, the event's {@code id} being
 * {@code end}), or an item of {@code ?format=json}.
 *
 * @param offset where its text starts in the run's log, in bytes of UTF-8
 * @param end    where the next piece starts: the offset to resume from
 * @param stream {@code build}, {@code stdout}, {@code stderr} or {@code system}
 * @param text   whole lines
 * @param at     when it was written
 */
public record LogEntry(long offset, long end, String stream, String text, Instant at) {
}
