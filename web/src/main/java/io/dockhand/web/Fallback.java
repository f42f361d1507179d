package io.dockhand.web;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.dockhand.api.Paths;
import io.dockhand.api.Problem;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The last route: a path some route serves, asked with another method, is a 405 naming the allowed ones; any
 * other path a 404; both problem documents. Only the paths of the features that route after the application
 * (OpenAPI) pass through.
 */
final class Fallback {
    private static final List<Method> ORDER = List.of(Method.GET, Method.HEAD, Method.POST, Method.PUT, Method.PATCH,
                                                      Method.DELETE);
    private final Routes routes;
    private final Set<String> passThrough;

    Fallback(Routes routes, Set<String> passThrough) {
        this.routes = routes;
        this.passThrough = passThrough;
    }

    void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (passThrough.contains(path)) {
            res.next();
            return;
        }
        Set<Method> allowed = routes.allowed(path);
        if (allowed.isEmpty()) {
            Problems.send(res, Problem.of("not-found", "Not found", 404, "No resource at " + path + ".", path));
            return;
        }
        String allow = allowed.stream().sorted(Comparator.comparingInt(Fallback::rank)).map(Method::text)
                .collect(Collectors.joining(", "));
        res.header(HeaderNames.ALLOW, allow);
        String method = req.prologue().method().text();
        Problems.send(res, Problem.of("method-not-allowed", "Method not allowed", 405,
                Text.printable(method, 32) + " is not supported on " + path + "; use " + allow + ".", path));
    }

    /** Allowed methods are listed reads first, in one order whatever order the routes were registered in. */
    private static int rank(Method method) {
        int rank = ORDER.indexOf(method);
        return rank < 0 ? ORDER.size() : rank;
    }

    static boolean isObserve(String path) {
        return path.equals(Paths.OBSERVE) || path.startsWith(Paths.OBSERVE + "/");
    }
}
