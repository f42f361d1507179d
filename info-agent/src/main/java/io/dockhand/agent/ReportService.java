package io.dockhand.agent;

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
        byte[] facts = Json.MAPPER.writeValueAsBytes(Facts.of(self, watch.node(), watch.usage(self.id()),
                                                              java.time.Instant.now()));
        Optional<String> key = req.headers().first(HeaderNames.create("Idempotency-Key"));
        StoreClient.Answer answer = client.postRecord(facts, key);
        res.status(answer.status());
        res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
        answer.location().ifPresent(location -> res.header(HeaderNames.LOCATION, location));
        res.send(answer.body());
    }
}
