package io.dockhand.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A batch of a run's log, appended by the agent that holds it ({@code POST /api/v1/runs/{id}/logs}). Chunks carry
 * a sequence number per attempt, so a batch sent twice (a retry after a lost answer) is stored once; the store
 * gives every chunk its byte offset in the run's log, which is what readers resume from.
 *
 * @param node    the reporting node's id
 * @param attempt the attempt the agent holds
 * @param chunks  the chunks, in order
 */
public record LogAppend(String node, int attempt, List<Chunk> chunks) {

    /**
     * Whole lines of one stream.
     *
     * @param seq    0, 1, 2 … within the attempt
     * @param stream {@code build}, {@code stdout}, {@code stderr} or {@code system} (Dockhand's own lines)
     * @param text   UTF-8 text, whole lines each ending in {@code \n}
     * @param at     when the first line was written
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chunk(long seq, String stream, String text, Instant at) {
    }
}
