package io.dockhand.client.http;

/** The node agent's API: what this container is ({@code /v1/self}). */
public final class AgentApi {
    /** The path that answers the agent's name and version. */
    public static final String VERSION = "/v1/version";
    static final String SELF = "/v1/self";

    private final FailoverClient client;

    /** The API over {@code client}. */
    public AgentApi(FailoverClient client) {
        this.client = client;
    }

    /** This container's facts in the store's record shape, as the agent sent them. */
    public Response self() throws InterruptedException {
        Response response = client.get(SELF);
        response.json();
        return response;
    }
}
