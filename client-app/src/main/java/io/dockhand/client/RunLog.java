package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.dockhand.api.RunState;
import io.dockhand.client.http.LogFollower;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.output.LogText;

import com.fasterxml.jackson.databind.JsonNode;

/** Prints a run's log, or follows it until the run is over, and says how the run ended. */
final class RunLog {
    /** The least time a follower keeps reconnecting: long enough for a replica to be replaced. */
    static final Duration LEAST_PATIENCE = Duration.ofSeconds(60);
    /** How long a followed log may be silent before the store is asked whether it grew meanwhile. */
    static final Duration WATCH = Duration.ofSeconds(10);

    private RunLog() {
    }

    /**
     * Prints the log of run {@code id} from its start; when following, until the run is over.
     *
     * @return the run as the store had it at the end (when following), else {@code null}
     */
    static JsonNode print(RunsApi api, String id, boolean follow, PrintWriter out, Duration timeout)
            throws InterruptedException {
        Duration patience = timeout.compareTo(LEAST_PATIENCE) > 0 ? timeout : LEAST_PATIENCE;
        LogText text = new LogText(out);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            new LogFollower(api.client(), patience, WATCH).read(id, 0, follow, text::write, position -> {
                JsonNode run = api.run(id);
                last.set(run);
                if (!state(run).isFinal()) {
                    return run.path("logBytes").asLong(0) > position ? LogFollower.Status.BEHIND
                            : LogFollower.Status.GOING_ON;
                }
                return run.path("logBytes").asLong(0) <= position ? LogFollower.Status.COMPLETE
                        : LogFollower.Status.FINAL_BUT_SHORT;
            });
        } finally {
            text.finish();
        }
        return last.get();
    }

    /** The run's state; an unknown one reads as still going. */
    static RunState state(JsonNode run) {
        try {
            return RunState.of(run.path("state").asText());
        } catch (IllegalArgumentException e) {
            return RunState.QUEUED;
        }
    }
}
