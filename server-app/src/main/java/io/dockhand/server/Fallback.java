package io.dockhand.server;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The last route: a known path with another method is a 405 naming the allowed ones, anything else a 404, both as
 * problems rather than Helidon's plain-text defaults.
 */
final class Fallback implements HttpService {
    private static final Map<String, String> ALLOWED = Map.of(
            RecordsService.RECORDS, "GET, POST",
            RecordsService.CONTAINERS, "GET",
            LegacyService.PATH, "GET, POST",
            Main.VERSION_PATH, "GET");

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::answer);
    }

    private void answer(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.startsWith("/observe") || path.startsWith("/openapi")) {
            res.next(); // served by the observe and OpenAPI features, which route after the application
            return;
        }
        String allowed = ALLOWED.get(path);
        String id = path.startsWith(RecordsService.RECORDS + "/") ? path.substring(RecordsService.RECORDS.length() + 1)
                                                                  : "";
        if (allowed == null && !id.isEmpty() && id.indexOf('/') < 0) {
            allowed = "GET";
        }
        if (allowed != null) {
            res.header(HeaderNames.ALLOW, allowed);
            Problems.send(req, res, Problem.of("method-not-allowed", "Method not allowed", 405,
                    req.prologue().method().text() + " is not supported on " + path + "; use " + allowed + ".", path));
        } else {
            Problems.send(req, res, Problem.of("not-found", "Not found", 404, "No resource at " + path + ".", path));
        }
    }
}
