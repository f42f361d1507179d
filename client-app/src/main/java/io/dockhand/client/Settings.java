package io.dockhand.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.dockhand.client.output.Format;

/**
 * What a command runs with, resolved once: the first of the command's own options, the options before it on the
 * line, the options the prompt was opened with, the environment, and the defaults.
 *
 * @param servers the store's base URLs
 * @param agent   the agent's base URL, or {@code null} when none is configured and no default route exists
 * @param format  output format
 * @param timeout time budget of one request, retries included
 * @param verbose print traces
 * @param colour  colour the output
 */
record Settings(List<URI> servers, URI agent, Format format, Duration timeout, boolean verbose, boolean colour) {
    static final String DEFAULT_SERVER = "http://server:5001";
    static final int SERVER_PORT = 5001;
    static final int AGENT_PORT = 5002;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    static Settings resolve(List<ClientOptions> layers, Session session) {
        Map<String, String> env = session.env();
        String server = first(layers, o -> o.server, env.get("DOCKHAND_SERVER"), DEFAULT_SERVER);
        String agent = first(layers, o -> o.agent, env.get("DOCKHAND_AGENT"), null);
        Format format = first(layers, o -> o.format, null, Format.TABLE);
        Duration timeout = first(layers, o -> o.timeout, null, null);
        if (timeout == null) {
            String fromEnv = env.get("DOCKHAND_TIMEOUT");
            timeout = fromEnv == null || fromEnv.isBlank() ? DEFAULT_TIMEOUT : envDuration(fromEnv);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw ExitException.usage("the timeout must be positive, not " + timeout);
        }
        boolean verbose = layers.stream().filter(Objects::nonNull).anyMatch(o -> o.verbose);
        String noColor = env.get("NO_COLOR");
        boolean colour = session.colour() && (noColor == null || noColor.isEmpty());
        URI agentUri = agent != null
                ? url(agent, AGENT_PORT, "agent")
                : DefaultGateway.read(session.routeTable())
                        .map(gateway -> URI.create("http://" + gateway + ":" + AGENT_PORT))
                        .orElse(null);
        return new Settings(urls(server), agentUri, format, timeout, verbose, colour);
    }

    /** The agent's URL, or a usage error saying how to give one. */
    URI requireAgent() {
        if (agent == null) {
            throw ExitException.usage("no agent address: the routing table has no default gateway; "
                                              + "give --agent or set DOCKHAND_AGENT");
        }
        return agent;
    }

    private static List<URI> urls(String list) {
        List<URI> urls = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                urls.add(url(part.strip(), SERVER_PORT, "server"));
            }
        }
        if (urls.isEmpty()) {
            throw ExitException.usage("no server address: give --server or set DOCKHAND_SERVER");
        }
        return List.copyOf(urls);
    }

    /** A base URL from {@code host}, {@code host:port} or a full URL; a bare host gets the service's port. */
    static URI url(String text, int defaultPort, String role) {
        boolean bare = !text.contains("://");
        try {
            URI uri = new URI(bare ? "http://" + text : text);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme())
                    || "https".equalsIgnoreCase(uri.getScheme())) || uri.getQuery() != null) {
                throw new IllegalArgumentException();
            }
            if (bare && uri.getPort() < 0) {
                uri = new URI(uri.getScheme(), null, uri.getHost(), defaultPort, uri.getPath(), null, null);
            }
            return uri;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw ExitException.usage("'" + text + "' is not a " + role + " URL such as http://host:" + defaultPort);
        }
    }

    private static Duration envDuration(String text) {
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) {
            throw ExitException.usage("DOCKHAND_TIMEOUT: " + e.getMessage());
        }
    }

    private static <T> T first(List<ClientOptions> layers, Function<ClientOptions, T> get, T env, T fallback) {
        for (ClientOptions layer : layers) {
            if (layer != null && get.apply(layer) != null) {
                return get.apply(layer);
            }
        }
        if (env instanceof String s && s.isBlank()) {
            return fallback;
        }
        return env != null ? env : fallback;
    }
}
