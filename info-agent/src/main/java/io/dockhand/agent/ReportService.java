package io.dockhand.agent;

import java.util.Map;
import java.util.Optional;

import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.watch.EngineWatch;
import io.dockhand.api.Paths;
import io.dockhand.web.Json;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * {@code POST /v1/self/records}: the agent stores the calling container's facts, as it reads them from the
 * engine, in the store on the container's behalf, presenting the cluster token: the store keeps the record as
 * verified. The container sends nothing but an optional {@code Idempotency-Key}, which goes on to the store; the
 * store's answer comes back as it is.
 */
final class ReportService implements Routes.Resource {
    private final Callers callers;
    private final EngineWatch watch;
    private final Optional<StoreClient> store;
    /** The body sent per container and idempotency key, the newest 1,024 (a retry comes within seconds). */
    private final Map<String, byte[]> sent = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                    return size() > 1024;
                }
            });

    ReportService(Callers callers, EngineWatch watch, Optional<StoreClient> store) {
        this.callers = callers;
        this.watch = watch;
        this.store = store;
    }

    @Override
    public void routes(Routes routes) {
        routes.post(Paths.AGENT_SELF_RECORDS, this::report);
    }

    private void report(ServerRequest req, ServerResponse res) throws JsonProcessingException {
        ContainerInfo self = callers.self(req);
        StoreClient client = store.orElseThrow(() -> new ProblemException(501, "no-store", "No store configured",
                "This agent has no store to report to (agent.store); post the record to the store yourself."));
        Optional<String> key = req.headers().first(HeaderNames.create("Idempotency-Key"));
        byte[] read = Json.MAPPER.writeValueAsBytes(Facts.of(self, watch.node(), watch.usage(self.id()),
                                                             java.time.Instant.now()));
        byte[] facts = read;
        if (key.isPresent()) {
            // A retry (its answer was lost) must repeat the first body, or the store sees another request under
            // the same key (409): the facts read for a key are kept a while and sent again.
            facts = sent.computeIfAbsent(self.id() + " " + key.get(), k -> read);
        }
        StoreClient.Answer answer = client.postRecord(facts, key);
        res.status(answer.status());
        res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
        answer.location().ifPresent(location -> res.header(HeaderNames.LOCATION, location));
        res.send(answer.body());
    }
}
