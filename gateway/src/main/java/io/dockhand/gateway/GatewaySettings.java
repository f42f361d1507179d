package io.dockhand.gateway;

import java.time.Duration;
import java.util.Map;

import io.dockhand.api.Durations;

/**
 * The gateway's settings, read once from the environment.
 *
 * @param port           port to listen on ({@code GATEWAY_PORT}, default 5001)
 * @param backendHost    name whose addresses are the replicas ({@code GATEWAY_BACKEND_HOST}, default
 *                       {@code server}: with {@code endpoint_mode: dnsrr} it resolves to every running task)
 * @param backendPort    the replicas' port ({@code GATEWAY_BACKEND_PORT}, default 5001)
 * @param connectTimeout how long one replica may take to accept ({@code GATEWAY_CONNECT_TIMEOUT}, default
 *                       {@code 1s}; the older {@code GATEWAY_CONNECT_TIMEOUT_MS}, milliseconds, is still read)
 * @param quarantine     how long a replica that refused is tried last ({@code GATEWAY_QUARANTINE}, default
 *                       {@code 3s}; the older {@code GATEWAY_QUARANTINE_MS} is still read)
 */
public record GatewaySettings(int port, String backendHost, int backendPort, Duration connectTimeout,
                              Duration quarantine) {

    /** Reads the settings from environment variables, with the defaults above. */
    public static GatewaySettings create(Map<String, String> env) {
        return new GatewaySettings(intValue(env, "GATEWAY_PORT", 5001),
                                   env.getOrDefault("GATEWAY_BACKEND_HOST", "server"),
                                   intValue(env, "GATEWAY_BACKEND_PORT", 5001),
                                   duration(env, "GATEWAY_CONNECT_TIMEOUT", "1s"),
                                   duration(env, "GATEWAY_QUARANTINE", "3s"));
    }

    /** A duration such as {@code 1s} or {@code 500ms}; the older {@code NAME_MS} in milliseconds when it is unset. */
    private static Duration duration(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        if ((value == null || value.isBlank()) && env.containsKey(name + "_MS")) {
            return Duration.ofMillis(intValue(env, name + "_MS", 0));
        }
        try {
            return Durations.parse(value == null || value.isBlank() ? fallback : value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
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
