package io.dockhand.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An app's manifest: {@code dockhand.toml} at its repository's root (Kraken's {@code shipwreck.toml} is read as it
 * is), validated.
 *
 * @param file   the file it was read from ({@code dockhand.toml} or {@code shipwreck.toml})
 * @param app    {@code [app]}
 * @param config {@code [config]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(String file, App app, Config config) {

    /** The languages a manifest may name; {@code custom} builds the repository's own Dockerfile. */
    public static final java.util.List<String> LANGS = java.util.List.of("node", "python", "static", "custom");

    /**
     * {@code [app]}.
     *
     * @param name     the app's name (the deployment's, unless the deploy names another)
     * @param version  its version, as the author writes it
     * @param author   who wrote it
     * @param endpoint the path its users start at (shown beside the URL)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record App(String name, String version, String author, String endpoint) {
    }

    /**
     * {@code [config]}.
     *
     * @param port          the port the app listens on inside its containers (published on every node)
     * @param lang          node, python, static or custom
     * @param run           the command that starts it (node and python; static serves the repository's files)
     * @param env           environment variables
     * @param replicas      how many containers (default 1)
     * @param health        the HTTP path that answers 2xx when a replica is healthy (default {@code /})
     * @param cpus          CPU limit per replica, 0 for none
     * @param memoryBytes   memory limit per replica ({@code memory = "256m"}), 0 for none
     * @param publish       the host port it is published on (default: {@code port})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Config(int port, String lang, String run, Map<String, String> env, int replicas, String health,
                         double cpus, long memoryBytes, int publish) {
    }
}
