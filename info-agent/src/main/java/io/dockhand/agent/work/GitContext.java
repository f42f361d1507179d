package io.dockhand.agent.work;

import java.io.InputStream;

import io.dockhand.agent.work.GitCheckouts.Checkout;
import io.dockhand.api.GitSource;
import io.dockhand.api.Run;

/**
 * The build context of a run with a git source: its ref resolved against the repository, then the node's checkout
 * of that commit (cached or cloned, said on the run's log as stream {@code system}), streamed as a tar when the
 * node has no image of the commit and Dockerfile yet. When it has one, nothing is cloned. Never the store's
 * {@code /context}: a git run has none there.
 */
final class GitContext implements AutoCloseable {

    private final WorkContext work;
    private final Run run;
    private final LogShipper log;
    private GitRefs.Resolved resolved;
    private Checkout checkout;
    private String commit;
    private final java.util.Map<String, String> added;

    GitContext(WorkContext work, Run run, LogShipper log) {
        this(work, run, log, java.util.Map.of());
    }

    /** @param added files added at the context's root (a deployment preset's Dockerfile), by name */
    GitContext(WorkContext work, Run run, LogShipper log, java.util.Map<String, String> added) {
        this.work = work;
        this.run = run;
        this.log = log;
        this.added = added;
    }

    /**
     * Resolves the run's ref and, unless the node has the commit's image already, checks the commit out.
     *
     * @return the commit (40 hex)
     * @throws GitCheckouts.GitFailure when the repository cannot be reached or has no such ref
     */
    String prepare() {
        GitSource git = run.git();
        resolved = work.checkouts().resolve(git.repo(), git.ref());
        if (resolved.commit() != null
                && work.driver().cachedImage(keyOf(resolved.commit()), run.dockerfile()).isPresent()) {
            commit = resolved.commit();
            log.line("system", "Resolved " + git.repo() + " at " + resolved.describe() + " → " + commit
                    + "; node " + work.node() + " has its image already: nothing to clone.");
            return commit;
        }
        checkout();
        return commit;
    }

    /**
     * The image cache key of the commit: {@code git:<commit>}, and with files added to the context
     * {@code git:<commit>+<12 hex of their digest>} (a preset's Dockerfile may change while the commit does not).
     */
    String key() {
        return keyOf(commit);
    }

    private String keyOf(String commit) {
        if (added.isEmpty()) {
            return key(commit);
        }
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            new java.util.TreeMap<>(added).forEach((name, text) -> {
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return key(commit) + "+" + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String key(String commit) {
        return "git:" + commit;
    }

    /**
     * The checkout's tar, for a build.
     *
     * @throws GitCheckouts.GitFailure when there is no Dockerfile at the run's path (or the image that made the
     *                                 clone unnecessary went meanwhile and the clone now fails)
     */
    InputStream context() {
        if (checkout == null) {
            checkout();
        }
        return CheckoutTar.open(checkout, run.dockerfile(), work.checkouts().root(), added);
    }

    private void checkout() {
        checkout = work.checkouts().checkout(resolved, work.node(), line -> log.line("system", line));
        commit = checkout.commit();
    }

    @Override
    public void close() {
        if (checkout != null) {
            checkout.close();
        }
    }
}
