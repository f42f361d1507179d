package io.dockhand.client.http;

import io.dockhand.api.Paths;

import com.fasterxml.jackson.databind.JsonNode;

/** The node agent's API: what this container is ({@code /v1/self}), and storing that with the agent's word. */
public final class AgentApi {
    /** The path that answers the agent's name and version. */
    public static final String VERSION = Paths.AGENT_VERSION;
    private static final byte[] NO_BODY = new byte[0];

    private final FailoverClient client;

    /** The API over {@code client}. */
    public AgentApi(FailoverClient client) {
        this.client = client;
    }

    /** This container's facts in the store's record shape, as the agent sent them. */
    public Response self() throws InterruptedException {
        Response response = client.get(Paths.AGENT_SELF);
        response.json();
        return response;
    }

    /**
     * Has the agent store this container's facts in the store, vouching for them (the record is verified); the
     * key goes on to the store, so a retry stores once.
     *
     * @throws ProblemException 404, 405 or 501 from an agent that cannot do that (older, or without a store)
     */
    public JsonNode report(String idempotencyKey) throws InterruptedException {
        return client.post(Paths.AGENT_SELF_RECORDS, NO_BODY, idempotencyKey).json();
    }
}
