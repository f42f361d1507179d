package io.dockhand.server;

import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every API request into {@code dockhand.http.requests}, tagged by method, route family and status class,
 * so Prometheus gets counts and latency percentiles without a label per record id.
 */
final class HttpMetrics implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String path = req.prologue().uriPath().path(); // the whole path: features see theirs relative
            if (!path.startsWith("/observe")) {
                Timer timer = Metrics.globalRegistry().getOrCreate(Timer.builder("dockhand.http.requests")
                        .percentiles(0.5, 0.99)
                        .tags(java.util.List.of(Tag.create("method", req.prologue().method().text()),
                                                Tag.create("route", route(path)),
                                                Tag.create("status", res.status().code() / 100 + "xx"))));
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static String route(String path) {
        if (path.startsWith(RecordsService.RECORDS + "/")) {
            return RecordsService.RECORDS + "/{id}";
        }
        for (String known : new String[] {RecordsService.RECORDS, RecordsService.CONTAINERS, LegacyService.PATH,
                                          "/api/v1/version", "/openapi"}) {
            if (path.equals(known)) {
                return known;
            }
        }
        return "other";
    }
}
