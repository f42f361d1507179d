package io.dockhand.agent.work;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.dockhand.agent.executor.BuildSpec;
import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.api.Run;

/**
 * A run's image: the node's cached build of the same source and Dockerfile path, else a new build of the context
 * as it streams (from the store, or from a git checkout on the node), its log shipped as stream {@code build}. The
 * source is known by its cache key: an uploaded context's digest ({@code sha256:...}), or {@code git:<commit>}; runs
 * of one source and Dockerfile that need their image at once build it once. A build whose context download breaks
 * off is tried again (three times at most, while the lease holds); a build the store says to stop
 * is abandoned: its thread is interrupted, which closes the engine's build request and makes the engine cancel it.
 */
final class RunImage {

    private static final System.Logger LOG = System.getLogger(RunImage.class.getName());

    private final WorkContext work;
    private final Run run;
    private final String key;
    private final LogShipper log;
    private final BooleanSupplier stopRequested;
    private final Supplier<Instant> leaseUntil;
    private final Supplier<InputStream> fetch;
    private final Object lock = new Object();
    private Thread building;
    private Map<String, String> buildArgs = Map.of();
    private String deployment;

    /**
     * @param key           the source's cache key: the context's digest, or {@code git:<commit>}
     * @param stopRequested whether the store said to stop the run
     * @param leaseUntil    until when the lease holds
     * @param fetch         opens the context's stream (from the store: retried while the store is away)
     */
    RunImage(WorkContext work, Run run, String key, LogShipper log, BooleanSupplier stopRequested,
             Supplier<Instant> leaseUntil, Supplier<InputStream> fetch) {
        this.work = work;
        this.run = run;
        this.key = key;
        this.log = log;
        this.stopRequested = stopRequested;
        this.leaseUntil = leaseUntil;
        this.fetch = fetch;
    }

    /** Builds for a deployment: labelled with it, with these build arguments. */
    RunImage forDeployment(String deployment, Map<String, String> buildArgs) {
        this.deployment = deployment;
        this.buildArgs = Map.copyOf(buildArgs);
        return this;
    }

    /**
     * The image reference a build is tagged with: {@code dockhand-run/<digest>-<dockerfile>:latest} for an uploaded
     * context, {@code dockhand-run/git-<commit>-<dockerfile>:latest} for a git commit ({@code git:<commit>}): 16 hex
     * digits of each, 8 of the Dockerfile path's SHA-256.
     */
    static String tag(String key, String dockerfile) {
        boolean git = key.startsWith("git:");
        String hex = key.replaceFirst("^(sha256|git):", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^0-9a-f]", "");
        String digest = (git ? "git-" : "")
                + (hex.length() >= 16 ? hex.substring(0, 16) : hex + "0".repeat(16 - hex.length()));
        try {
            byte[] path = MessageDigest.getInstance("SHA-256").digest(
                    (dockerfile == null ? "Dockerfile" : dockerfile).getBytes(StandardCharsets.UTF_8));
            return "dockhand-run/" + digest + "-" + HexFormat.of().formatHex(path).substring(0, 8) + ":latest";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The run's image: the node's cached build of the same source and Dockerfile, else the build another run on
     * this node is making of them right now (a failure of that build is this run's too), else a new build.
     */
    String obtain() {
        String what = key.startsWith("git:") ? "commit" : "context";
        String building = key + "\n" + (run.dockerfile() == null ? "Dockerfile" : run.dockerfile());
        while (true) {
            Optional<String> cached = work.driver().cachedImage(key, run.dockerfile());
            if (cached.isPresent()) {
                log.line("build", "Using the image " + shortId(cached.get()) + " built earlier on node " + work.node()
                        + " from the same " + what + " (" + key + "): no rebuild.");
                return cached.get();
            }
            CompletableFuture<String> mine = new CompletableFuture<>();
            CompletableFuture<String> theirs = work.builds().putIfAbsent(building, mine);
            if (theirs == null) {
                try {
                    String image = buildNew();
                    mine.complete(image);
                    return image;
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    work.builds().remove(building, mine);
                }
            }
            log.line("build", "Another run on node " + work.node() + " is building the same " + what + " (" + key
                    + "): waiting for its image.");
            Optional<String> theirImage = await(theirs);
            if (theirImage.isPresent()) {
                log.line("build", "Using the image " + shortId(theirImage.get()) + " the other run built: no rebuild.");
                return theirImage.get();
            }
            // That run was stopped, or its agent failed otherwise: build here (or wait for the next one that does).
        }
    }

    /** The image another run builds; empty when it gave up for a reason of its own. */
    private Optional<String> await(CompletableFuture<String> theirs) {
        while (true) {
            if (stopRequested.getAsBoolean()) {
                throw new Stopped();
            }
            try {
                return Optional.of(theirs.get(500, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                // ask again, and whether this run was stopped meanwhile
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ImageBuildException failed) {
                    throw new ImageBuildException(failed.getMessage());
                }
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunJob.AgentClosing();
            }
        }
    }

    private String buildNew() {
        // Every build step's container gets the node's default memory limit (agent.limits.memory), if it has one.
        BuildSpec spec = new BuildSpec(tag(key, run.dockerfile()), Map.of(), null, run.dockerfile(), key,
                                       work.settings().memoryBytes(), buildArgs, deployment);
        for (int tries = 1; ; tries++) {
            Watched context = new Watched(fetch.get());
            try (context) {
                String image = build(spec, context);
                log.line("build", "Built image " + shortId(image) + ".");
                return image;
            } catch (ImageBuildException e) {
                if (context.broke != null && tries < 3 && Instant.now().isBefore(leaseUntil.get())) {
                    log.line("system", "The build context's download broke off (" + context.broke
                            + "); building again.");
                    continue;
                }
                throw e;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing the context stream of run " + run.id(), e);
            }
        }
    }

    private String build(BuildSpec spec, InputStream context) {
        synchronized (lock) {
            if (stopRequested.getAsBoolean()) {
                throw new Stopped();
            }
            building = Thread.currentThread();
        }
        try {
            return work.driver().build(spec, context, line -> log.line("build", line));
        } catch (RuntimeException e) {
            if (stopRequested.getAsBoolean() && !work.closing()) {
                throw new Stopped();
            }
            throw e;
        } finally {
            synchronized (lock) {
                building = null;
            }
            Thread.interrupted();
        }
    }

    /** Abandons the build in progress, if there is one. */
    void stop() {
        synchronized (lock) {
            if (building != null) {
                building.interrupt();
            }
        }
    }

    static String shortId(String imageId) {
        String hex = imageId == null ? "" : imageId.replaceFirst("^sha256:", "");
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** The build was abandoned because the store said to stop the run. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the build was stopped", null, false, false);
        }
    }

    /** The context as it streams from the store, remembering whether the download broke off. */
    private static final class Watched extends FilterInputStream {
        volatile String broke;

        Watched(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                broke = e.toString();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                broke = e.toString();
                throw e;
            }
        }
    }
}
