package io.dockhand.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;

/**
 * The table of a server's routes. A resource registers each route here once; the routing, the 404/405
 * {@link Fallback} and the metric labels of {@link HttpMetrics} all read this one table, so none keeps a list of
 * its own. A GET route answers HEAD too.
 */
public final class Routes {
    private final List<Route> routes = new ArrayList<>();

    /** One route: a method and a path template whose {@code {name}} segments match any one segment. */
    public record Route(Method method, String template, Handler handler) {
        boolean matches(String path) {
            return Routes.matches(template, path);
        }
    }

    /** Something that serves routes: a resource's service. */
    @FunctionalInterface
    public interface Resource {
        /** Adds this resource's routes. */
        void routes(Routes routes);
    }

    /** Adds a resource's routes. */
    public Routes register(Resource resource) {
        resource.routes(this);
        return this;
    }

    /** A GET route, which answers HEAD too: the same status and headers, no body. */
    public Routes get(String template, Handler handler) {
        add(Method.GET, template, handler);
        return add(Method.HEAD, template, handler); // HttpSemantics keeps the body off the wire
    }

    /** A POST route. */
    public Routes post(String template, Handler handler) {
        return add(Method.POST, template, handler);
    }

    /** A DELETE route. */
    public Routes delete(String template, Handler handler) {
        return add(Method.DELETE, template, handler);
    }

    /** A PUT route. */
    public Routes put(String template, Handler handler) {
        return add(Method.PUT, template, handler);
    }

    private Routes add(Method method, String template, Handler handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("A route template starts with '/': " + template);
        }
        routes.add(new Route(method, template, handler));
        return this;
    }

    /** Every route, in the order registered. */
    public List<Route> all() {
        return List.copyOf(routes);
    }

    /** Registers every route with Helidon's routing. */
    void applyTo(HttpRules rules) {
        for (Route route : routes) {
            rules.route(route.method(), route.template(), route.handler());
        }
    }

    /**
     * The template a path is served by, preferring literal segments over {@code {name}} ones; empty when no route
     * matches the path.
     */
    public Optional<String> template(String path) {
        return routes.stream()
                .filter(route -> route.matches(path))
                .map(Route::template)
                .min(Comparator.comparingInt(Routes::parameters));
    }

    /** The methods the routes allow on a path, in registration order; empty when no route matches it. */
    public Set<Method> allowed(String path) {
        Set<Method> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            if (route.matches(path)) {
                allowed.add(route.method());
            }
        }
        return allowed;
    }

    /** Whether some route uses this method. */
    public boolean knows(Method method) {
        return routes.stream().anyMatch(route -> route.method().equals(method));
    }

    private static int parameters(String template) {
        return (int) template.chars().filter(ch -> ch == '{').count();
    }

    /** Whether the path fits the template, a {@code {name}} matching one non-empty segment; allocates nothing. */
    static boolean matches(String template, String path) {
        int t = 0;
        int p = 0;
        while (t < template.length()) {
            char want = template.charAt(t);
            if (want == '{') {
                int end = path.indexOf('/', p);
                end = end < 0 ? path.length() : end;
                if (end == p) {
                    return false;
                }
                p = end;
                t = template.indexOf('}', t) + 1;
            } else {
                if (p >= path.length() || path.charAt(p) != want) {
                    return false;
                }
                t++;
                p++;
            }
        }
        return p == path.length();
    }

}
