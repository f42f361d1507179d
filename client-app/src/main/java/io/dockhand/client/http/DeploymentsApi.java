package io.dockhand.client.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.dockhand.api.Paths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The store's deployments ({@code /api/v1/deployments}): deploy a git repository, read deployments and their
 * logs, update, roll back and destroy them, reached through a {@link FailoverClient}. Whatever changes something
 * carries the cluster token.
 */
public final class DeploymentsApi {
    private static final byte[] NO_BODY = new byte[0];

    private final FailoverClient client;

    /** The API over {@code client}. */
    public DeploymentsApi(FailoverClient client) {
        this.client = client;
    }

    /** Deploys {@code repo} ({@code branch} and {@code name} may be {@code null}); answers the new deployment. */
    public JsonNode deploy(String repo, String branch, String name, String token) throws InterruptedException {
        ObjectNode body = Response.MAPPER.createObjectNode().put("repo", repo);
        if (branch != null) {
            body.put("branch", branch);
        }
        if (name != null) {
            body.put("name", name);
        }
        return client.post(Paths.DEPLOYMENTS, body.toString().getBytes(StandardCharsets.UTF_8), null, auth(token))
                .json();
    }

    /** Every deployment, as {@code {"items": [...]}}. */
    public JsonNode deployments() throws InterruptedException {
        return client.get(Paths.DEPLOYMENTS).json();
    }

    /** One deployment, with its history. */
    public JsonNode deployment(String name) throws InterruptedException {
        return client.get(path(Paths.DEPLOYMENT, name)).json();
    }

    /** Deploys the branch's newest commit: {@code {"updated": bool, "detail": ..., "deployment": {...}}}. */
    public JsonNode update(String name, String token) throws InterruptedException {
        return client.post(path(Paths.DEPLOYMENT_UPDATE, name), NO_BODY, null, auth(token)).json();
    }

    /** Goes back to the previous image; answers the deployment. */
    public JsonNode rollback(String name, String token) throws InterruptedException {
        return client.post(path(Paths.DEPLOYMENT_ROLLBACK, name), NO_BODY, null, auth(token)).json();
    }

    /** Destroys it (service, images, build cache); answers the deployment, now destroying. */
    public JsonNode destroy(String name, String token) throws InterruptedException {
        return client.delete(path(Paths.DEPLOYMENT, name), auth(token)).json();
    }

    /**
     * Opens the deployment's log (its build's, then its service's output) as plain text; when following, the
     * store keeps the answer open while the service runs. The caller reads and closes the body.
     */
    public Streams.Opened logs(String name, boolean follow, String token) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + client.budget().toNanos();
        Map<String, String> headers = token == null ? Map.of("Accept", "text/plain")
                : Map.of("Accept", "text/plain", "Authorization", "Bearer " + token);
        return Streams.open(client, "GET", path(Paths.DEPLOYMENT_LOGS, name) + (follow ? "?follow=true" : ""),
                            headers, null, () -> System.nanoTime() > deadline);
    }

    private static Map<String, String> auth(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String path(String template, String name) {
        return template.replace("{name}", RunsApi.encode(name));
    }
}
