package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

import io.dockhand.agent.work.GitCheckouts.GitFailure;
import io.dockhand.api.Durations;

/**
 * What JGit does for the git checkout cache: resolve a ref against a repository's advertised refs (as
 * {@code git ls-remote} lists them) and fetch one commit's tree into a folder. A ref is, in this order: null for the
 * repository's {@code HEAD}; a full ref name ({@code refs/...}); a branch; a tag; else, when it is 7-40 hex digits,
 * a commit id. A commit that an advertised ref points at is fetched shallowly (depth 1) through that ref; any other
 * needs every branch and tag fetched in full to find it.
 */
final class GitRefs {

    /** A clone may take this many {@code agent.git.timeout}s in all (each exchange, one). */
    static final int CLONE_TIMEOUTS = 15;
    /** The ref the fetched commit is kept under in the temporary repository. */
    private static final String CHECKOUT_REF = "refs/dockhand/checkout";

    private GitRefs() {
    }

    /**
     * A ref resolved against the repository.
     *
     * @param repo         the repository's URL
     * @param ref          the ref as asked, null for HEAD
     * @param refName      the advertised ref to fetch shallowly, or null when a commit must be found by a full fetch
     * @param commit       the commit (40 hex) as advertised, or null when only its abbreviation is known
     * @param commitPrefix the commit id asked for (lower case), when {@code refName} is null
     */
    record Resolved(String repo, String ref, String refName, String commit, String commitPrefix) {

        /** The ref as a user names it. */
        String describe() {
            return ref == null ? "HEAD" : ref;
        }
    }

    /** Resolves {@code ref} in the repository as it is now ({@code ls-remote}). */
    static Resolved resolve(String repo, String ref, Duration timeout) {
        Map<String, Ref> refs;
        try {
            refs = limited(repo, timeout, () -> Git.lsRemoteRepository().setRemote(repo)
                    .setTimeout(seconds(timeout)).callAsMap());
        } catch (GitFailure e) {
            throw e;
        } catch (GitAPIException | RuntimeException e) {
            throw GitCheckouts.failure("clone failed: " + repo + ": ", e);
        }
        if (ref == null || ref.isBlank() || ref.equals("HEAD")) {
            Ref head = refs.get("HEAD");
            if (head == null || id(head) == null) {
                throw new GitFailure("unknown ref 'HEAD' in " + repo + " (the repository has no commits)");
            }
            String name = head.isSymbolic() ? head.getTarget().getName() : "HEAD";
            return new Resolved(repo, null, name, id(head), null);
        }
        List<String> names = ref.startsWith("refs/") ? List.of(ref)
                : List.of("refs/heads/" + ref, "refs/tags/" + ref);
        for (String name : names) {
            Ref found = refs.get(name);
            if (found != null && id(found) != null) {
                return new Resolved(repo, ref, name, id(found), null);
            }
        }
        if (GitCheckouts.looksLikeCommit(ref)) {
            String prefix = ref.toLowerCase(Locale.ROOT);
            List<Ref> pointing = new ArrayList<>();
            for (Ref r : refs.values()) {
                String id = id(r);
                if (id != null && id.startsWith(prefix) && !r.getName().equals("HEAD")) {
                    pointing.add(r);
                }
            }
            if (!pointing.isEmpty() && pointing.stream().map(GitRefs::id).distinct().count() == 1) {
                return new Resolved(repo, ref, pointing.getFirst().getName(), id(pointing.getFirst()), null);
            }
            return new Resolved(repo, ref, null, prefix.length() == 40 ? prefix : null, prefix);
        }
        throw new GitFailure("unknown ref '" + ref + "' in " + repo);
    }

    /**
     * Runs one JGit exchange with a repository on a virtual thread of its own, interrupted at the limit. JGit's own
     * timeout interrupts the thread blocked in a socket read, which a platform thread does not notice (a server
     * that accepts and never answers held {@code ls-remote} for good); a virtual thread's socket is closed by the
     * interrupt.
     */
    private static <T> T limited(String repo, Duration limit, Callable<T> call) throws GitAPIException {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = Thread.ofVirtual().name("dockhand-git").start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stop(thread);
            throw new GitFailure("clone failed: " + repo + ": no answer within " + Durations.format(limit));
        } catch (InterruptedException e) {
            stop(thread);
            Thread.currentThread().interrupt();
            throw new GitFailure("clone failed: " + repo + ": interrupted");
        } catch (ExecutionException e) {
            if (cutOff(e.getCause())) { // JGit's own read timeout fired first: the same silence, said the same way
                throw new GitFailure("clone failed: " + repo + ": no answer within " + Durations.format(limit));
            }
            switch (e.getCause()) {
                case GitAPIException git -> throw git;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new GitFailure("clone failed: " + repo + ": " + e.getCause());
            }
        }
    }

    /**
     * Whether a read was cut off by a timeout: JGit's timer interrupts the reading thread, which on a virtual thread
     * closes its socket (the JDK's {@code SocketException: Closed by interrupt}), or a socket timed out.
     */
    private static boolean cutOff(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedIOException || t instanceof ClosedByInterruptException
                    || t instanceof SocketException && "Closed by interrupt".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Interrupts a JGit exchange (closing its socket) and lets it end before its folder is removed. */
    private static void stop(Thread thread) {
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The commit a ref points at (peeled through an annotated tag), as 40 hex digits. */
    private static String id(Ref ref) {
        ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
        return id == null ? null : id.name();
    }

    /**
     * Fetches the resolved commit into a new repository at {@code dir} and checks its tree out there (the caller
     * removes {@code .git}). Line ends and modes are written as committed, whatever the node's git configuration
     * says; symbolic links stay links.
     *
     * @return the commit checked out (40 hex)
     */
    static String fetch(Resolved resolved, Path dir, Duration timeout) throws IOException {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("dockhand").call()) {
            Repository repository = git.getRepository();
            StoredConfig config = repository.getConfig();
            config.setBoolean("core", null, "autocrlf", false);
            config.setBoolean("core", null, "symlinks", true);
            config.setBoolean("core", null, "filemode", true);
            config.save();
            ObjectId commit;
            if (resolved.refName() != null) {
                limited(resolved.repo(), timeout.multipliedBy(CLONE_TIMEOUTS), () -> git.fetch()
                        .setRemote(resolved.repo()).setTimeout(seconds(timeout)).setTagOpt(TagOpt.NO_TAGS)
                        .setDepth(1).setRefSpecs(new RefSpec("+" + resolved.refName() + ":" + CHECKOUT_REF))
                        .call());
                commit = repository.resolve(CHECKOUT_REF + "^{commit}");
                if (commit == null) {
                    throw new GitFailure("unknown ref '" + resolved.describe() + "' in " + resolved.repo()
                            + " (it does not name a commit)");
                }
            } else {
                limited(resolved.repo(), timeout.multipliedBy(CLONE_TIMEOUTS), () -> git.fetch()
                        .setRemote(resolved.repo()).setTimeout(seconds(timeout)).setTagOpt(TagOpt.NO_TAGS)
                        .setRefSpecs(new RefSpec("+refs/heads/*:refs/dockhand/heads/*"),
                                     new RefSpec("+refs/tags/*:refs/dockhand/tags/*"))
                        .call());
                commit = findCommit(repository, resolved);
            }
            checkout(repository, commit);
            return commit.name();
        } catch (GitAPIException | JGitInternalException e) {
            throw GitCheckouts.failure("clone failed: " + resolved.repo() + ": ", e);
        }
    }

    /** The one commit whose id starts with the prefix asked for. */
    private static ObjectId findCommit(Repository repository, Resolved resolved) throws IOException {
        List<ObjectId> commits = new ArrayList<>();
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            Collection<ObjectId> ids = reader.resolve(AbbreviatedObjectId.fromString(resolved.commitPrefix()));
            for (ObjectId id : ids) {
                try {
                    RevObject object = walk.peel(walk.parseAny(id));
                    if (object instanceof RevCommit c && !commits.contains(c.getId())) {
                        commits.add(c.getId());
                    }
                } catch (MissingObjectException e) {
                    // not really there
                }
            }
        }
        if (commits.isEmpty()) {
            throw new GitFailure("unknown ref '" + resolved.ref() + "' in " + resolved.repo()
                    + " (no branch, tag or commit of that name)");
        }
        if (commits.size() > 1) {
            throw new GitFailure("ambiguous commit id '" + resolved.ref() + "' in " + resolved.repo() + " ("
                    + commits.size() + " commits start with it): give more digits");
        }
        return commits.getFirst();
    }

    private static void checkout(Repository repository, ObjectId commitId) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(commitId);
            DirCache index = repository.lockDirCache();
            DirCacheCheckout checkout = new DirCacheCheckout(repository, index, commit.getTree());
            checkout.setFailOnConflict(true);
            checkout.checkout();
        }
    }

    private static int seconds(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    }
}
