-- The cluster's nodes, as their agents register them by heartbeat (issue 11).
CREATE TABLE nodes (
    id                 VARCHAR(128)  PRIMARY KEY,
    hostname           VARCHAR(255),
    swarm_node_id      VARCHAR(128),
    role               VARCHAR(32),
    address            VARCHAR(255),
    cpus               INTEGER,
    memory_bytes       BIGINT,
    engine_version     VARCHAR(128),
    agent_version      VARCHAR(128),
    labels             VARCHAR(100000),
    containers_running INTEGER,
    last_heartbeat_us  BIGINT        NOT NULL,
    registered_us      BIGINT        NOT NULL
);

-- Swarm's own view of each node, as managers' agents report it, keyed by swarm node id.
CREATE TABLE swarm_nodes (
    node_id      VARCHAR(128) PRIMARY KEY,
    hostname     VARCHAR(255),
    role         VARCHAR(32),
    state        VARCHAR(32),
    availability VARCHAR(32),
    reported_us  BIGINT       NOT NULL
);
