package io.dockhand.agent.work;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.dockhand.agent.executor.TaskDriver;

/**
 * What every part of the agent's work shares: the node's id, the store, the executor, the settings, the image
 * cache's bookkeeping, the git checkouts and the runs in hand (the leases its heartbeats name).
 */
final class WorkContext {
    private final String node;
    private final WorkClient store;
    private final TaskDriver driver;
    private final WorkSettings settings;
    private final ImageRetention images;
    private final GitCheckouts checkouts;
    private final Map<String, RunJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, DeployJob> deploys = new ConcurrentHashMap<>();
    private volatile DeploySettings deploySettings = DeploySettings.DEFAULTS;
    private final RegistryClient registry = new RegistryClient(java.time.Duration.ofSeconds(30));
    private final Map<String, CompletableFuture<String>> builds = new ConcurrentHashMap<>();
    private volatile boolean closing;

    WorkContext(String node, WorkClient store, TaskDriver driver, WorkSettings settings, ImageRetention images,
                GitCheckouts checkouts) {
        this.node = node;
        this.checkouts = checkouts;
        this.store = store;
        this.driver = driver;
        this.settings = settings;
        this.images = images;
    }

    String node() {
        return node;
    }

    WorkClient store() {
        return store;
    }

    TaskDriver driver() {
        return driver;
    }

    WorkSettings settings() {
        return settings;
    }

    ImageRetention images() {
        return images;
    }

    /** The node's git checkouts, for runs with a git source. */
    GitCheckouts checkouts() {
        return checkouts;
    }

    /** The runs this agent holds now, by run id. */
    Map<String, RunJob> jobs() {
        return jobs;
    }

    /** The deployments' runs this agent holds now, by run id (serve runs among them hold no slot). */
    Map<String, DeployJob> deploys() {
        return deploys;
    }

    DeploySettings deploySettings() {
        return deploySettings;
    }

    void deploySettings(DeploySettings settings) {
        this.deploySettings = settings;
    }

    /** The registry deployments' images are pushed to. */
    RegistryClient registry() {
        return registry;
    }

    /** The builds in progress, by source key and Dockerfile: a run that needs the same image waits for it. */
    Map<String, CompletableFuture<String>> builds() {
        return builds;
    }

    /** Whether the agent is shutting down: runs are left as they are, for the next agent to settle. */
    boolean closing() {
        return closing;
    }

    void close() {
        closing = true;
    }
}
