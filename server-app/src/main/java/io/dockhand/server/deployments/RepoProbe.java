package io.dockhand.server.deployments;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.dockhand.server.runs.Texts;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FileUtils;

/**
 * What the store asks a git repository before it accepts a deployment, with JGit and no working tree: which commit
 * a branch points at ({@code ls-remote}), and the text of a file at a commit's root (a shallow fetch into a
 * temporary bare repository, removed afterwards). Each question takes at most {@link #LIMIT}; a file read is at
 * most {@link #MAX_FILE} bytes. Only network repositories are probed ({@code git://}, {@code http(s)://},
 * {@code ssh://} or {@code host:path}): a deployment is built by an agent on another node, which could not reach a
 * path on the store's host, and the store must not read its own disk for a caller.
 */
public final class RepoProbe {
    /** How long one question may take. */
    public static final Duration LIMIT = Duration.ofSeconds(20);
    /** The largest file {@link #read} returns. */
    public static final int MAX_FILE = 64 * 1024;

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern NETWORK = Pattern.compile(
            "(?i)(git|https?|ssh|git\\+ssh)://[^/\\s]+.*|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/\\s].*");
    private static final String PROBE_REF = "refs/dockhand/probe";

    private final Duration limit;

    /** A probe whose questions take at most {@link #LIMIT}. */
    public RepoProbe() {
        this(LIMIT);
    }

    /** A probe whose questions take at most {@code limit} (whole seconds, at least one). */
    public RepoProbe(Duration limit) {
        this.limit = limit;
    }

    /**
     * A branch resolved to its commit.
     *
     * @param branch the branch (the one the repository's HEAD names when none was asked for)
     * @param commit the commit it points at, 40 hex digits
     */
    public record Resolved(String branch, String commit) {
    }

    /**
     * A file read at a commit.
     *
     * @param path    its path at the repository's root
     * @param commit  the commit it was read at, 40 hex digits
     * @param content its bytes, at most {@link #MAX_FILE}
     */
    public record RepoFile(String path, String commit, byte[] content) {
        /** The content as UTF-8 text. */
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /** Why a repository could not be asked. */
    public abstract static sealed class Failure extends RuntimeException permits Unreachable, UnknownBranch,
            TooLarge {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The repository does not answer, is not a git repository, or refuses us; the message says which. */
    public static final class Unreachable extends Failure {
        private static final long serialVersionUID = 1L;

        Unreachable(String repo, String reason) {
            super("repository " + Texts.printable(repo, 200) + " is unreachable: " + reason);
        }

        Unreachable(Unreachable first, String more) {
            super(first.getMessage() + more);
        }
    }

    /** The branch is not in the repository; the message names some that are. */
    public static final class UnknownBranch extends Failure {
        private static final long serialVersionUID = 1L;

        private final transient List<String> branches;

        UnknownBranch(String repo, String branch, List<String> branches) {
            super(branch == null ? "repository " + Texts.printable(repo, 200) + " has no branches yet"
                    : "branch '" + Texts.printable(branch, 100) + "' is not in " + Texts.printable(repo, 200)
                    + (branches.isEmpty() ? ", which has no branches yet"
                    : "; it has " + String.join(", ", branches.stream().limit(5).toList())
                    + (branches.size() > 5 ? " and " + (branches.size() - 5) + " more" : "")));
            this.branches = List.copyOf(branches);
        }

        /** The repository's branches, the default ones first. */
        public List<String> branches() {
            return branches;
        }
    }

    /** The file is larger than {@link #MAX_FILE}. */
    public static final class TooLarge extends Failure {
        private static final long serialVersionUID = 1L;

        TooLarge(String path, long size) {
            super(path + " is " + size + " bytes; at most " + MAX_FILE + " are read");
        }
    }

    /**
     * The commit {@code branch} points at now.
     *
     * @param branch a branch name, or null for the one the repository's HEAD names
     * @throws Unreachable   when the repository cannot be asked
     * @throws UnknownBranch when it has no such branch
     */
    public Resolved resolve(String repo, String branch) {
        Map<String, Ref> refs = lsRemote(repo);
        List<String> branches = branches(refs);
        if (branch == null || branch.isBlank()) {
            Ref head = refs.get(Constants.HEAD);
            if (head == null || head.getObjectId() == null) {
                throw new UnknownBranch(repo, null, branches);
            }
            if (head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
                return new Resolved(head.getTarget().getName().substring(Constants.R_HEADS.length()),
                        head.getObjectId().name());
            }
            for (String name : branches) { // a server that does not say what HEAD names: the branch at its commit
                if (refs.get(Constants.R_HEADS + name).getObjectId().equals(head.getObjectId())) {
                    return new Resolved(name, head.getObjectId().name());
                }
            }
            throw new UnknownBranch(repo, null, branches);
        }
        String name = branch.startsWith(Constants.R_HEADS) ? branch.substring(Constants.R_HEADS.length()) : branch;
        Ref ref = refs.get(Constants.R_HEADS + name);
        if (ref == null || ref.getObjectId() == null) {
            throw new UnknownBranch(repo, branch, branches);
        }
        return new Resolved(name, ref.getObjectId().name());
    }

    /**
     * The first of {@code files} that exists as a file at the root of the repository at {@code commitOrBranch}.
     *
     * @param commitOrBranch a commit (40 hex digits: the tip of some branch or tag, or any commit where the server
     *                       lets it be fetched by id) or a branch
     * @return the file, or empty when none of them is there
     * @throws Unreachable   when the repository cannot be fetched, or does not have that commit
     * @throws UnknownBranch when it has no such branch
     * @throws TooLarge      when the file is larger than {@link #MAX_FILE}
     */
    public Optional<RepoFile> read(String repo, String commitOrBranch, List<String> files) {
        String lower = commitOrBranch.toLowerCase(Locale.ROOT);
        String want = COMMIT.matcher(lower).matches() ? lower : commitOrBranch; // branch names keep their case
        String source;
        if (COMMIT.matcher(want).matches()) {
            source = lsRemote(repo).values().stream()
                    .filter(r -> r.getName().startsWith("refs/") && want.equals(peeled(r)))
                    .map(Ref::getName).findFirst().orElse(want); // by id only when no ref points at it
        } else {
            source = Constants.R_HEADS + resolve(repo, commitOrBranch).branch();
        }
        String commit = COMMIT.matcher(want).matches() ? want : null;
        try {
            return limited(repo, () -> fetchAndFind(repo, source, commit, files));
        } catch (Unreachable e) {
            throw source.equals(want) ? new Unreachable(e, " (fetching commit " + want + ")") : e;
        }
    }

    private Optional<RepoFile> fetchAndFind(String repo, String source, String commit, List<String> files)
            throws GitAPIException, IOException {
        Path dir = Files.createTempDirectory("dockhand-probe");
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).call()) {
            StoredConfig config = git.getRepository().getConfig();
            config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
            config.save(); // no background gc in a folder about to be deleted
            git.fetch().setRemote(repo).setTimeout(seconds()).setTagOpt(TagOpt.NO_TAGS).setDepth(1)
                    .setProgressMonitor(new Deadline(limit)).setRefSpecs(new RefSpec("+" + source + ":" + PROBE_REF))
                    .call();
            return find(git.getRepository(), commit, files);
        } finally {
            delete(dir);
        }
    }

    private static Optional<RepoFile> find(Repository repository, String want, List<String> files)
            throws IOException {
        ObjectId id = want != null ? ObjectId.fromString(want) : repository.resolve(PROBE_REF + "^{commit}");
        if (id == null || !repository.getObjectDatabase().has(id)) { // e.g. a branch that moved since ls-remote
            throw new ProbeFailed(want == null ? "the branch names no commit" : "the server did not send commit "
                    + want + " (no branch points at it now)");
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(id);
            for (String path : files) {
                try (TreeWalk tree = TreeWalk.forPath(repository, path, commit.getTree())) {
                    if (tree == null || (tree.getFileMode(0).getBits() & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                        continue;
                    }
                    ObjectLoader loader = repository.open(tree.getObjectId(0));
                    if (loader.getSize() > MAX_FILE) {
                        throw new TooLarge(path, loader.getSize());
                    }
                    return Optional.of(new RepoFile(path, id.name(), loader.getBytes(MAX_FILE)));
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, Ref> lsRemote(String repo) {
        if (repo == null || !NETWORK.matcher(repo).matches()) {
            throw new Unreachable(String.valueOf(repo), "give a git://, http(s)://, ssh:// or user@host:path URL");
        }
        return limited(repo, () -> Git.lsRemoteRepository().setRemote(repo).setTimeout(seconds()).callAsMap());
    }

    /**
     * Runs a JGit call on a virtual thread and interrupts it at the limit. JGit's own timeout interrupts a read
     * that takes too long, but a platform thread blocked reading a {@code git://} socket does not notice; a
     * virtual thread's socket is closed when it is interrupted.
     */
    private <T> T limited(String repo, Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread.ofVirtual().name("repo-probe").start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new Unreachable(repo, "no answer within " + limit.toSeconds() + " s");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new Unreachable(repo, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cutOff(cause)) { // JGit's own read timeout fired first: the same silence, said the same way
                throw new Unreachable(repo, "no answer within " + limit.toSeconds() + " s");
            } else if (cause instanceof Failure failure) {
                throw failure;
            } else if (cause instanceof GitAPIException || cause instanceof JGitInternalException
                    || cause instanceof ProbeFailed) {
                throw new Unreachable(repo, reason((Exception) cause));
            } else if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            } else if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
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

    /** Branch names, the usual default ones first, then by name. */
    private static List<String> branches(Map<String, Ref> refs) {
        List<String> branches = new ArrayList<>();
        for (String name : refs.keySet()) {
            if (name.startsWith(Constants.R_HEADS)) {
                branches.add(name.substring(Constants.R_HEADS.length()));
            }
        }
        branches.sort(Comparator.comparing((String b) -> !b.equals("main") && !b.equals("master"))
                .thenComparing(Comparator.naturalOrder()));
        return branches;
    }

    private static String peeled(Ref ref) {
        ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
        return id == null ? null : id.name();
    }

    /** JGit's message and its root cause's, without the repeated URL prefixes. */
    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (cause != e && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        return Texts.printable(message, 500);
    }

    private int seconds() {
        return (int) Math.max(1, limit.toSeconds());
    }

    /** Deletes a temporary repository, best effort: a folder left behind is no reason to fail the answer. */
    private static void delete(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try {
                // JGit's own delete: retries what a file vanishing or appearing during the walk made fail
                FileUtils.delete(dir.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING);
            } catch (IOException e) {
                // the next attempt, if the folder is still there
            }
        }
    }

    /** What went wrong inside a fetch that is the repository's doing. */
    private static final class ProbeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProbeFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** Cancels a fetch that has run for the limit: JGit's timeout bounds each read, not the whole fetch. */
    private static final class Deadline implements ProgressMonitor {
        private final long end;

        Deadline(Duration limit) {
            end = System.nanoTime() + limit.toNanos();
        }

        @Override
        public void start(int totalTasks) {
        }

        @Override
        public void beginTask(String title, int totalWork) {
        }

        @Override
        public void update(int completed) {
        }

        @Override
        public void endTask() {
        }

        @Override
        public boolean isCancelled() {
            return System.nanoTime() > end;
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }
}
