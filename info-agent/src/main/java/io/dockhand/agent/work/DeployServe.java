package io.dockhand.agent.work;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.dockhand.agent.engine.Engine.Subscription;
import io.dockhand.agent.executor.LogLine;
import io.dockhand.agent.executor.ServiceDriver;
import io.dockhand.agent.executor.ServiceState;
import io.dockhand.agent.executor.ServiceTask;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;
import io.dockhand.api.ServiceObservation;
import io.dockhand.api.ServiceSpec;

/**
 * A deployment's serve run, on a swarm manager: makes the app's service (or updates it to the new image, rolling
 * and health-gated, or leaves it when it runs that image already), waits until its replicas run healthy, reports
 * {@code running}, and then holds the run for as long as the deployment lives: the service's output goes to the
 * run's log and what swarm says of its tasks is posted every {@link #OBSERVE_EVERY}. An app that never becomes
 * healthy is removed (a first deploy) or rolled back (an update), and the run fails saying why. Told to stop (the
 * deployment was updated, rolled back or destroyed), it stops following and leaves the service to the next run.
 */
final class DeployServe extends DeployJob {

    private static final System.Logger LOG = System.getLogger(DeployServe.class.getName());
    static final Duration OBSERVE_EVERY = Duration.ofSeconds(3);
    private static final Duration MIN_HEALTH_TIMEOUT = Duration.ofSeconds(20);
    private static final int TAIL_LINES = 20;

    DeployServe(WorkContext work, Run run, long leaseSeconds) {
        super(work, run, leaseSeconds);
    }

    /** The outcome of waiting for the replicas. */
    private enum Health { HEALTHY, STOPPED, TIMED_OUT, ROLLED_BACK_BY_SWARM, REMOVED }

    @Override
    protected void carryOut(LogShipper log) {
        Instant began = Instant.now();
        ServiceSpec spec;
        try {
            spec = complete(deploy.service());
        } catch (IllegalStateException e) {
            log.line("system", "The service cannot be made: " + e.getMessage());
            finish(log, RunState.FAILED, e.getMessage(), null);
            return;
        }
        ServiceDriver swarm = services();
        Optional<ServiceState> before = swarm.service(spec.name());
        String previous = before.map(ServiceState::image).orElse(null);
        boolean first = before.isEmpty();
        boolean update = !first && !spec.image().equals(previous);
        String where = "gateway".equals(spec.publish()) ? "through its gateway service " + spec.name() + "-gw"
                : "through the routing mesh";
        if (first) {
            log.line("system", "Creating service " + spec.name() + ": " + spec.replicas() + " replica"
                    + (spec.replicas() == 1 ? "" : "s") + " of " + spec.image() + ", port " + spec.port()
                    + " published as " + spec.publishedPort() + " on every node " + where + ".");
            swarm.create(spec);
        } else if (update) {
            log.line("system", "Updating service " + spec.name() + " from " + previous + " to " + spec.image()
                    + ": one replica at a time, each new one healthy before an old one stops.");
            swarm.update(before.get(), spec);
        } else {
            log.line("system", "Service " + spec.name() + " runs " + spec.image() + " already: following it.");
        }
        if ("gateway".equals(spec.publish())) {
            swarm.ensureGateway(spec);
        }
        try (Follower follower = new Follower(log, spec.name(), first ? 0 : began.getEpochSecond() - 1)) {
            Health health = awaitHealthy(log, swarm, spec, update);
            switch (health) {
                case HEALTHY -> {
                    log.line("system", spec.replicas() + "/" + spec.replicas() + " replicas of " + spec.name()
                            + " run healthy; port " + spec.publishedPort() + " answers on every node.");
                    report(RunState.RUNNING, null, spec.image(), null);
                    observeUntilStopped(swarm, spec);
                    finishStopped(log);
                }
                case STOPPED -> finishStopped(log);
                default -> unhealthy(log, swarm, spec, health, first, update ? before.get() : null, previous,
                                     follower.tail());
            }
        }
    }

    /** The spec with the network and gateway image of this agent's stack where the store left them out. */
    private ServiceSpec complete(ServiceSpec spec) {
        DeploySettings settings = work.deploySettings();
        String network = spec.network();
        String gatewayImage = spec.gatewayImage();
        Optional<String> stack = Optional.empty();
        if (network == null || network.isBlank()) {
            network = settings.network();
            if (network == null) {
                stack = services().ownStack();
                network = stack.map(ns -> ns + "_net").orElseThrow(() -> new IllegalStateException(
                        "the agent on node " + work.node() + " runs in no stack and has no AGENT_NETWORK: no overlay"
                                + " network to put the app on"));
            }
        }
        if ("gateway".equals(spec.publish()) && (gatewayImage == null || gatewayImage.isBlank())) {
            gatewayImage = settings.gatewayImage();
            if (gatewayImage == null) {
                if (stack.isEmpty()) {
                    stack = services().ownStack();
                }
                gatewayImage = stack.flatMap(ns -> services().imageOf(ns + "_gateway")).orElseThrow(() ->
                        new IllegalStateException("the agent on node " + work.node() + " finds no gateway service in"
                                + " its stack and has no AGENT_GATEWAY_IMAGE: nothing to publish the port with"));
            }
        }
        return with(spec, spec.image(), spec.revision(), network, gatewayImage);
    }

    static ServiceSpec with(ServiceSpec s, String image, int revision, String network, String gatewayImage) {
        return new ServiceSpec(s.name(), s.deployment(), revision, image, s.port(), s.publishedPort(), s.publish(),
                               s.replicas(), s.env(), s.cpus(), s.memoryBytes(), s.healthPath(),
                               s.healthTimeoutSeconds(), network, gatewayImage);
    }

    /**
     * Waits until the replicas of the spec's image run healthy. Swarm keeps a service's last update state (a
     * {@code rollback_completed} of an earlier update stays until the next one), so a rollback counts only when this
     * run updated the service and swarm put another image back into its spec.
     */
    private Health awaitHealthy(LogShipper log, ServiceDriver swarm, ServiceSpec spec, boolean updated) {
        Duration limit = Duration.ofSeconds(spec.healthTimeoutSeconds());
        Instant deadline = Instant.now().plus(limit.compareTo(MIN_HEALTH_TIMEOUT) < 0 ? MIN_HEALTH_TIMEOUT : limit);
        long told = -1;
        while (true) {
            if (stopWhy != null) {
                return Health.STOPPED;
            }
            Optional<ServiceState> state = swarm.service(spec.name());
            if (state.isEmpty()) {
                return Health.REMOVED;
            }
            List<ServiceTask> tasks = swarm.tasks(spec.name());
            long running = runningOf(tasks, spec.image());
            if (running != told) {
                log.line("system", running + "/" + spec.replicas() + " replicas of " + spec.image() + " running"
                        + " (healthy)");
                told = running;
            }
            String updating = state.get().updateState();
            if (updated && updating != null && updating.startsWith("rollback")
                    && !spec.image().equals(state.get().image())) {
                return Health.ROLLED_BACK_BY_SWARM;
            }
            boolean settled = updating == null || (updated ? updating.equals("completed")
                    : !updating.equals("updating") && !updating.equals("rollback_started"));
            if (running >= spec.replicas() && settled) {
                return Health.HEALTHY;
            }
            if (Instant.now().isAfter(deadline)) {
                return Health.TIMED_OUT;
            }
            pause(1000);
        }
    }

    static long runningOf(List<ServiceTask> tasks, String image) {
        return tasks.stream().filter(t -> t.running() && "running".equals(t.desiredState())
                && (image == null || image.equals(t.image()))).count();
    }

    private void unhealthy(LogShipper log, ServiceDriver swarm, ServiceSpec spec, Health health, boolean first,
                           ServiceState before, String previous, List<String> tail) {
        StringBuilder why = new StringBuilder();
        if (health == Health.REMOVED) {
            why.append("the service ").append(spec.name()).append(" was removed meanwhile");
        } else {
            why.append("never became healthy");
            if (health == Health.TIMED_OUT) {
                why.append(" within ").append(Math.max(spec.healthTimeoutSeconds(), MIN_HEALTH_TIMEOUT.toSeconds()))
                        .append(" s");
            }
            Set<String> errors = new LinkedHashSet<>();
            for (ServiceTask task : swarm.tasks(spec.name())) {
                if (spec.image().equals(task.image()) && task.error() != null && !task.error().isBlank()) {
                    errors.add(task.error().strip());
                }
            }
            if (!errors.isEmpty()) {
                why.append(": ").append(String.join("; ", errors.stream().limit(3).toList()));
            }
        }
        if (first) {
            swarm.remove(spec.name() + "-gw");
            swarm.remove(spec.name());
            log.line("system", "Removed service " + spec.name() + ": it " + why + ".");
            why.append("; the service was removed");
        } else if (health == Health.ROLLED_BACK_BY_SWARM) {
            log.line("system", "Swarm rolled service " + spec.name() + " back to " + previous + ".");
            why.append("; rolled back to ").append(previous);
        } else if (before != null && health != Health.REMOVED) {
            Optional<ServiceState> now = swarm.service(spec.name());
            if (now.isPresent()) {
                swarm.update(now.get(), with(spec, previous, before.revision(), spec.network(), spec.gatewayImage()));
                log.line("system", "Rolling service " + spec.name() + " back to " + previous + ".");
                why.append("; rolled back to ").append(previous);
            }
        }
        if (!tail.isEmpty()) {
            why.append("\nlast output:\n").append(String.join("\n", tail));
        }
        finish(log, RunState.FAILED, why.toString(), null);
    }

    /** Posts what swarm says of the service every few seconds, until told to stop or no longer current. */
    private void observeUntilStopped(ServiceDriver swarm, ServiceSpec spec) {
        while (stopWhy == null) {
            try {
                if (!work.store().observe(spec.deployment(), observation(swarm, spec))) {
                    LOG.log(System.Logger.Level.INFO, "Serve run " + run.id() + " no longer serves deployment "
                            + spec.deployment() + ": it stops following");
                    stopWhy = "cancelled";
                    return;
                }
            } catch (WorkClient.StoreDownException | io.dockhand.agent.engine.EngineUnavailableException e) {
                LOG.log(System.Logger.Level.DEBUG, "Observing " + spec.name() + " failed: " + e.getMessage());
            }
            for (int i = 0; i < OBSERVE_EVERY.toMillis() / 250 && stopWhy == null; i++) {
                pause(250);
            }
        }
    }

    private ServiceObservation observation(ServiceDriver swarm, ServiceSpec spec) {
        Optional<ServiceState> state = swarm.service(spec.name());
        List<ServiceTask> tasks = swarm.tasks(spec.name());
        String image = state.map(ServiceState::image).orElse(spec.image());
        int wanted = state.map(ServiceState::replicas).orElse(0);
        return new ServiceObservation(run.id(), work.node(), run.attempt(), image, wanted,
                (int) runningOf(tasks, null), tasks.stream().limit(50).map(t -> new ServiceObservation.Task(
                        t.id(), t.node(), t.slot(), t.state(), t.desiredState(), t.message(), t.error(), t.at()))
                .toList());
    }

    /**
     * The service's output, shipped as the run's stdout and stderr as it comes: the engine's stream is opened again
     * when it ends (swarm ends it when tasks go), from the second of the last line shipped, and lines not newer
     * than that are left out.
     */
    private final class Follower implements AutoCloseable {
        private final LogShipper log;
        private final String service;
        private final Deque<String> tail = new ArrayDeque<>();
        private volatile Instant last;
        private volatile Subscription stream;
        private volatile boolean closed;

        Follower(LogShipper log, String service, long sinceEpochSecond) {
            this.log = log;
            this.service = service;
            open(sinceEpochSecond);
        }

        private void open(long since) {
            if (closed) {
                return;
            }
            try {
                stream = services().logs(service, since, this::line, this::ended);
            } catch (RuntimeException e) {
                ended();
            }
        }

        private void ended() {
            if (closed || work.closing()) {
                return;
            }
            Thread.ofVirtual().name("dockhand-service-logs").start(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                Instant from = last;
                open(from == null ? 0 : from.getEpochSecond());
            });
        }

        private void line(LogLine line) {
            String text = line.text();
            int space = text.indexOf(' ');
            Instant at = null;
            if (space > 0) {
                try {
                    at = Instant.parse(text.substring(0, space));
                    text = text.substring(space + 1);
                } catch (DateTimeParseException e) {
                    at = null;
                }
            }
            synchronized (this) {
                if (at != null) {
                    if (last != null && !at.isAfter(last)) {
                        return;
                    }
                    last = at;
                }
                tail.addLast(text);
                while (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            log.line(line.stream() == LogLine.Stream.STDERR ? "stderr" : "stdout", text);
        }

        synchronized List<String> tail() {
            return List.copyOf(tail);
        }

        @Override
        public void close() {
            closed = true;
            Subscription s = stream;
            if (s != null) {
                s.close();
            }
        }
    }
}
