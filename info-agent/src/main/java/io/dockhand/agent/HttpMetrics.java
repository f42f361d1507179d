package io.dockhand.agent;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every API request into {@code dockhand.agent.requests}, tagged by route and status class, so Prometheus
 * gets counts and latency percentiles without a label per container.
 */
final class HttpMetrics implements Filter {

    // Metrics.globalRegistry() is marked for removal, but it is the registry the metrics observer exports;
    // the service registry's MeterRegistry is a second instance (Helidon warns of it) that nobody exports.
    @SuppressWarnings("removal")
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String path = req.prologue().uriPath().path(); // the whole path: features see theirs relative
            if (!path.startsWith("/observe")) {
                Timer timer = Metrics.globalRegistry().getOrCreate(Timer.builder("dockhand.agent.requests")
                        .percentiles(0.5, 0.99)
                        .tags(List.of(Tag.create("route", route(path)),
                                      Tag.create("status", res.status().code() / 100 + "xx"))));
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static String route(String path) {
        if (path.startsWith(SelfService.LEGACY + "/")) {
            return SelfService.LEGACY + "/{id}";
        }
        for (String known : new String[] {SelfService.SELF, NodeService.PATH, Main.VERSION_PATH}) {
            if (path.equals(known)) {
                return known;
            }
        }
        return "other";
    }
}
