-- What each deployment's containers use on a node (issue 13), as the node's agent said in its latest heartbeat:
-- JSON, [{"name":…,"containers":…,"cpuPercent":…,"memoryBytes":…}]; null when the agent did not say (an older
-- agent, or its engine was not answering). A deployment's use is the sum over the nodes that are up.
ALTER TABLE nodes ADD COLUMN deployment_use VARCHAR(200000);
