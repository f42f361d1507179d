package io.dockhand.gateway;

import java.time.Duration;
import java.util.Map;

/**
 * The gateway's settings, read once from the environment.
 *
 * @param port           port to listen on ({@code GATEWAY_PORT}, default 5001)
 * @param backendHost    name whose addresses are the replicas ({@code GATEWAY_BACKEND_HOST}, default
 *                       {@code server}: with {@code endpoint_mode: dnsrr} it resolves to every running task)
 * @param backendPort    the replicas' port ({@code GATEWAY_BACKEND_PORT}, default 5001)
 * @param connectTimeout how long one replica may take to accept ({@code GATEWAY_CONNECT_TIMEOUT_MS}, default 1000)
 * @param quarantine     how long a replica that refused is tried last ({@code GATEWAY_QUARANTINE_MS}, default 3000)
 */
public record GatewaySettings(int port, String backendHost, int backendPort, Duration connectTimeout,
                              Duration quarantine) {

    /** Reads the settings from environment variables, with the defaults above. */
    public static GatewaySettings create(Map<String, String> env) {
        return new GatewaySettings(intValue(env, "GATEWAY_PORT", 5001),
                                   env.getOrDefault("GATEWAY_BACKEND_HOST", "server"),
                                   intValue(env, "GATEWAY_BACKEND_PORT", 5001),
                                   Duration.ofMillis(intValue(env, "GATEWAY_CONNECT_TIMEOUT_MS", 1000)),
                                   Duration.ofMillis(intValue(env, "GATEWAY_QUARANTINE_MS", 3000)));
    }

    private static int intValue(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
        }
    }
}
