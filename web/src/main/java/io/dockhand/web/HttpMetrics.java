package io.dockhand.web;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every request into {@code dockhand.http.requests}, tagged by method, route template and status class.
 * Every label value comes from a closed set (the registered routes' templates and methods, {@code other}), so no
 * request, however odd its method or path, adds a time series.
 */
final class HttpMetrics implements Filter {
    static final String NAME = "dockhand.http.requests";
    private static final Set<Method> STANDARD = Set.of(Method.GET, Method.HEAD, Method.POST, Method.PUT,
            Method.DELETE, Method.PATCH, Method.OPTIONS, Method.TRACE, Method.CONNECT);

    private final Routes routes;
    private final MeterRegistry registry;
    /** The timers by their tags (a closed set): a request looks its timer up instead of building it. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    HttpMetrics(Routes routes, MeterRegistry registry) {
        this.routes = routes;
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String path = req.prologue().uriPath().path(); // the whole path: features see theirs relative
            if (!Fallback.isObserve(path)) {
                Method method = req.prologue().method();
                String methodTag = STANDARD.contains(method) ? method.text() : "other";
                String route = routes.template(path).orElse("other");
                String status = res.status().code() / 100 + "xx";
                timers.computeIfAbsent(methodTag + ' ' + route + ' ' + status, key -> Timer.builder(NAME)
                                .tag("method", methodTag)
                                .tag("route", route)
                                .tag("status", status)
                                .publishPercentiles(0.5, 0.99)
                                .register(registry))
                        .record(Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }
}
