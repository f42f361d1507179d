package io.dockhand.agent;

import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The last route: a known path with another method is a 405, anything else a 404, both as problems rather than
 * Helidon's plain-text defaults. The observe feature's paths pass through to it.
 */
final class Fallback implements HttpService {

    private static final Set<String> GET_ONLY = Set.of(SelfService.SELF, NodeService.PATH, Main.VERSION_PATH);

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::answer);
    }

    private void answer(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.startsWith("/observe")) {
            res.next();
            return;
        }
        if (GET_ONLY.contains(path) || isLegacyInfo(path)) {
            res.header(HeaderNames.ALLOW, "GET");
            Problems.send(req, res, Problem.of("method-not-allowed", "Method not allowed", 405,
                    req.prologue().method().text() + " is not supported on " + path + "; use GET.", path));
        } else {
            Problems.send(req, res, Problem.of("not-found", "Not found", 404, "No resource at " + path + ".", path));
        }
    }

    /** Whether the path is {@code /info/{id}} with a non-empty id (the route's own template needs one too). */
    static boolean isLegacyInfo(String path) {
        String prefix = SelfService.LEGACY + "/";
        return path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0;
    }
}
