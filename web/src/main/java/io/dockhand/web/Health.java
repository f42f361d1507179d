package io.dockhand.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.dockhand.api.Paths;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Readiness at {@code /observe/health} (and {@code /ready}, {@code /live} below it, as health checks and
 * orchestrators ask): 200 and {@code UP} when every check passes, 503 and {@code DOWN} naming the failing ones.
 * Liveness has no checks: a process that answers is alive.
 */
final class Health implements Routes.Resource {
    private final Map<String, BooleanSupplier> checks;

    Health(Map<String, BooleanSupplier> checks) {
        this.checks = Map.copyOf(checks);
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.OBSERVE + "/health", this::ready)
                .get(Paths.OBSERVE + "/health/ready", this::ready)
                .get(Paths.OBSERVE + "/health/live", (req, res) -> send(res, true, List.of()));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> results = checks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(check -> Map.<String, Object>of("name", check.getKey(),
                                                     "status", run(check.getValue()) ? "UP" : "DOWN"))
                .toList();
        send(res, results.stream().allMatch(r -> "UP".equals(r.get("status"))), results);
    }

    private static boolean run(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void send(ServerResponse res, boolean up, List<Map<String, Object>> checks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        res.status(up ? 200 : 503);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }
}
