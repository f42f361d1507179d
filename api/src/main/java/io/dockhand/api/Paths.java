package io.dockhand.api;

/** The route paths of the store and the agent; servers register them and clients call them from here. */
public final class Paths {
    /** The store's records: {@code POST} one, {@code GET} a page. */
    public static final String RECORDS = "/api/v1/records";
    /** One stored record by id (or the start of one). */
    public static final String RECORD = RECORDS + "/{id}";
    /** The latest record of each container. */
    public static final String CONTAINERS = "/api/v1/containers";
    /**
     * A container's CPU and memory over a time range, averaged into at most {@code points} buckets (the
     * dashboard's charts).
     */
    public static final String CONTAINER_SERIES = CONTAINERS + "/{id}/series";
    /** The store's change notices as Server-Sent Events (the dashboard's one live stream per tab). */
    public static final String EVENTS = "/api/v1/events";
    /** The dashboard's page. */
    public static final String DASHBOARD = "/";
    /** The dashboard's own files (scripts, styles). */
    public static final String DASHBOARD_FILE = "/dashboard/{file}";
    /** The libraries the dashboard uses, from their WebJars. */
    public static final String DASHBOARD_VENDOR = "/dashboard/vendor/{file}";
    /** The store's name and version. */
    public static final String SERVER_VERSION = "/api/v1/version";
    /** The original tool's record path: {@code POST} its body shape, {@code GET} every record. */
    public static final String LEGACY_SERVICE = "/service";

    /** The cluster's nodes, as their agents register them: {@code GET} all. */
    public static final String NODES = "/api/v1/nodes";
    /** One node: {@code GET} it; {@code PUT} is its agent's heartbeat (cluster token). */
    public static final String NODE = NODES + "/{id}";
    /** An agent's long poll for the next run queued for its node (cluster token): 200 with a claim, or 204. */
    public static final String NODE_CLAIM = NODE + "/claim";

    /** Runs: {@code POST} a build context (a tar body, the spec in the query; cluster token), {@code GET} a page. */
    public static final String RUNS = "/api/v1/runs";
    /** One run. */
    public static final String RUN = RUNS + "/{id}";
    /** A run's log from an offset, whole or followed; {@code POST} is its agent appending (cluster token). */
    public static final String RUN_LOGS = RUN + "/logs";
    /** Cancel a run (cluster token). */
    public static final String RUN_CANCEL = RUN + "/cancel";
    /** A run's build context as a tar, for the agent that claimed it (cluster token). */
    public static final String RUN_CONTEXT = RUN + "/context";
    /** The agent that holds a run's lease reports a state change (cluster token). */
    public static final String RUN_REPORTS = RUN + "/reports";
    /** The original apvs tool's upload: the raw bytes of a zip of a folder, built and run (cluster token). */
    public static final String LEGACY_UPLOAD = "/check/upload";

    /** Job projects: {@code GET} their statuses. */
    public static final String JOBS = "/api/v1/jobs";
    /** One project: {@code GET} its status, {@code PUT} its settings (cluster token). */
    public static final String JOB = JOBS + "/{project}";
    /**
     * A project's tasks: {@code POST} one (a JSON object) or many (JSON lines, {@code application/x-ndjson}) with
     * the cluster token; {@code GET} a page (filter {@code state}).
     */
    public static final String JOB_TASKS = JOB + "/tasks";
    /** One task, with every attempt. */
    public static final String JOB_TASK = JOB_TASKS + "/{task}";
    /** The project's Done: results after {@code after}, waiting up to {@code wait} for the first. */
    public static final String JOB_RESULTS = JOB + "/results";
    /** Puts dead and cancelled tasks (all, or those named) back on ToDo (cluster token). */
    public static final String JOB_RETRY = JOB + "/retry";
    /** Cancels unfinished tasks (all, or those named) (cluster token). */
    public static final String JOB_CANCEL = JOB + "/cancel";
    /** Deployments: {@code POST} deploys a repository (cluster token), {@code GET} lists them. */
    public static final String DEPLOYMENTS = "/api/v1/deployments";
    /** One deployment with its history; {@code DELETE} destroys it (cluster token). */
    public static final String DEPLOYMENT = DEPLOYMENTS + "/{name}";
    /** Its build log, then its service's output; followed with {@code follow=true}. */
    public static final String DEPLOYMENT_LOGS = DEPLOYMENT + "/logs";
    /** Deploys the branch's newest commit (cluster token). */
    public static final String DEPLOYMENT_UPDATE = DEPLOYMENT + "/update";
    /** Goes back to the previous image (cluster token). */
    public static final String DEPLOYMENT_ROLLBACK = DEPLOYMENT + "/rollback";
    /** The serve run's agent reports what swarm says of the service (cluster token). */
    public static final String DEPLOYMENT_OBSERVATIONS = DEPLOYMENT + "/observations";
    /** The seed's queue facade: {@code POST} creates a queue. */
    public static final String RABBIT = "/rabbit";
    /** One queue of the facade: {@code POST} puts a message, {@code GET} takes one (204 when empty). */
    public static final String RABBIT_QUEUE = RABBIT + "/{queue}";

    /** A container's facts about itself, asked of its node's agent. */
    public static final String AGENT_SELF = "/v1/self";
    /** The caller's facts stored in the store by its agent, which vouches for them: the record is verified. */
    public static final String AGENT_SELF_RECORDS = AGENT_SELF + "/records";
    /** The agent's node. */
    public static final String AGENT_NODE = "/v1/node";
    /** The original tool's {@code /info/{id}}, answered only about the caller. */
    public static final String AGENT_INFO = "/info/{id}";
    /** The agent's name and version. */
    public static final String AGENT_VERSION = "/v1/version";

    /** Health and metrics of both servers. */
    public static final String OBSERVE = "/observe";
    /** Prometheus metrics. */
    public static final String METRICS = OBSERVE + "/metrics";

    private Paths() {
    }
}
