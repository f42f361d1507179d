package io.dockhand.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.dockhand.api.Paths;
import io.dockhand.web.ProblemException;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The dashboard's static files, served from this jar: {@code /} is the page, {@code /dashboard/{file}} its scripts
 * and styles ({@code dashboard/} on the class path), {@code /dashboard/vendor/{file}} the charting library from
 * its WebJar. Nothing comes from a CDN, so the page works on an air-gapped cluster. Files are read once and kept
 * (they are small); an {@code ETag} lets a browser revalidate cheaply.
 */
public final class DashboardService implements Routes.Resource {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,80}", Pattern.CASE_INSENSITIVE);
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final Map<String, String> VENDOR = Map.of(
            "uPlot.iife.min.js", "dist/uPlot.iife.min.js",
            "uPlot.min.css", "dist/uPlot.min.css",
            "uPlot.LICENSE", "LICENSE");

    private record File(byte[] bytes, String type, String etag) {
    }

    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();
    private final String uplotVersion;

    public DashboardService() {
        this.uplotVersion = version();
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.DASHBOARD, (req, res) -> send(req, res, "dashboard/index.html", "no-cache"))
                .get(Paths.DASHBOARD_FILE, (req, res) -> send(req, res, "dashboard/" + name(req), "no-cache"))
                .get(Paths.DASHBOARD_VENDOR, this::vendor);
    }

    private void vendor(ServerRequest req, ServerResponse res) {
        String file = VENDOR.get(name(req));
        if (file == null) {
            throw notFound();
        }
        send(req, res, UPLOT + uplotVersion + "/" + file, "public, max-age=86400");
    }

    private static String name(ServerRequest req) {
        String name = req.path().pathParameters().get("file");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw notFound();
        }
        return name;
    }

    private void send(ServerRequest req, ServerResponse res, String resource, String cacheControl) {
        File file = cache.computeIfAbsent(resource, DashboardService::load).orElseThrow(DashboardService::notFound);
        res.header(HeaderNames.CACHE_CONTROL, cacheControl);
        res.header(HeaderNames.ETAG, file.etag());
        res.header("X-Content-Type-Options", "nosniff");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).filter(file.etag()::equals).isPresent()) {
            res.status(304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, file.type());
        res.send(file.bytes());
    }

    private static Optional<File> load(String resource) {
        try (InputStream in = DashboardService.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new File(bytes, type(resource),
                    "\"" + Integer.toHexString(java.util.Arrays.hashCode(bytes)) + "-" + bytes.length + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(String resource) {
        String lower = resource.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (lower.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (lower.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (lower.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "text/plain; charset=utf-8";
    }

    /** The uPlot WebJar's version, from its Maven metadata in the jar. */
    private static String version() {
        try (InputStream in = DashboardService.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "1.6.30");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "not-found", "Not found", "No such file of the dashboard.");
    }
}
