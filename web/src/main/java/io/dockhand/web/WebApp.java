package io.dockhand.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.helidon.config.Config;
import io.helidon.http.media.MediaContext;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.spi.ServerFeature;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * A Dockhand web server: the routes of its resources, plus what every Dockhand server has — problem documents for
 * every failure (before routing too), the 404/405 fallback and request metrics derived from the routes, Prometheus
 * metrics, readiness and a version route, JSON through Helidon's Jackson support with {@link Json#MAPPER}.
 */
public final class WebApp implements AutoCloseable {
    private final WebServer server;
    private final MetricsResource metrics;
    private final List<Routes.Route> routes;

    private WebApp(WebServer server, MetricsResource metrics, List<Routes.Route> routes) {
        this.server = server;
        this.metrics = metrics;
        this.routes = routes;
    }

    /** A builder for a server called {@code name} in its version answer ({@code dockhand-server}, ...). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** Every route the server serves, the built-in ones too: what tests generate requests from. */
    public List<Routes.Route> routes() {
        return routes;
    }

    /** The server's meter registry. */
    public MeterRegistry meters() {
        return metrics.registry();
    }

    @Override
    public void close() {
        server.stop();
        metrics.close();
    }

    /** Puts a server together; {@link #start()} starts it. */
    public static final class Builder {
        private final String name;
        private final MetricsResource metrics = new MetricsResource();
        private final Routes routes = new Routes();
        private final List<Problems.Mapping<?>> mappings = new ArrayList<>();
        private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        private final List<ServerFeature> features = new ArrayList<>();
        private final Set<String> passThrough = new LinkedHashSet<>();
        private Config config = Config.empty();
        private VersionResource version;
        private long minPayloadSize;

        private Builder(String name) {
            this.name = name;
        }

        /** The listener's configuration (the {@code server} node: port, host, limits, socket options). */
        public Builder config(Config server) {
            this.config = server;
            return this;
        }

        /** The meter registry resources add their own meters to. */
        public MeterRegistry meters() {
            return metrics.registry();
        }

        /** Serves the version of the artifact whose classes include {@code anchor} at {@code path}. */
        public Builder version(String path, Class<?> anchor, String artifactId) {
            this.version = new VersionResource(path, name, anchor, artifactId);
            return this;
        }

        /**
         * Raises the listener's {@code max-payload-size} to at least this many bytes (a route that streams large
         * bodies, checking its own limit, needs it); a larger configured limit stays.
         */
        public Builder minPayloadSize(long bytes) {
            this.minPayloadSize = Math.max(minPayloadSize, bytes);
            return this;
        }

        /** Adds a resource's routes. */
        public Builder register(Routes.Resource resource) {
            routes.register(resource);
            return this;
        }

        /** Maps a domain exception to a problem. */
        public Builder problem(Problems.Mapping<?> mapping) {
            mappings.add(mapping);
            return this;
        }

        /** Adds a readiness check: the server is ready only while it answers true. */
        public Builder readiness(String checkName, BooleanSupplier check) {
            checks.put(checkName, check);
            return this;
        }

        /** Adds a Helidon feature whose routes (at {@code paths}) follow the application's. */
        public Builder feature(ServerFeature feature, String... paths) {
            features.add(feature);
            passThrough.addAll(List.of(paths));
            return this;
        }

        /** The routes so far, with the built-in ones. */
        Routes routes() {
            return routes;
        }

        /** Sets up a routing with everything: tests that run in memory use this. */
        public void routing(HttpRouting.Builder routing) {
            routes.register(metrics).register(new Health(checks));
            if (version != null) {
                routes.register(version);
            }
            Problems.register(routing, mappings);
            routing.addFilter(new HttpSemantics());
            routing.addFilter(new HttpMetrics(routes, metrics.registry()));
            routes.applyTo(routing);
            Fallback fallback = new Fallback(routes, Set.copyOf(passThrough));
            routing.any(fallback::handle);
        }

        /** Starts the server. */
        public WebApp start() {
            WebServerConfig.Builder server = WebServer.builder().config(config);
            if (minPayloadSize > 0 && server.maxPayloadSize() >= 0 && server.maxPayloadSize() < minPayloadSize) {
                server.maxPayloadSize(minPayloadSize);
            }
            features.forEach(server::addFeature);
            WebServer webServer = server
                    // include-entity lets Helidon's safe messages (a bad query's) reach a problem's detail
                    .errorHandling(ErrorHandling.builder().from(server.errorHandling()).includeEntity(true).build())
                    .directHandlers(DirectProblems.handlers())
                    .mediaContext(MediaContext.builder()
                            .addMediaSupport(JacksonSupport.create(Json.MAPPER))
                            .build())
                    .routing(this::routing)
                    .build()
                    .start();
            return new WebApp(webServer, metrics, routes.all());
        }
    }
}
