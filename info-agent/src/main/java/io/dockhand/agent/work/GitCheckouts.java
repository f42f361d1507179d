package io.dockhand.agent.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node's git checkouts ({@code agent.git.cache}): one working tree per (repository, commit), without its
 * {@code .git}, reused by every later task that builds the same commit. A ref is resolved against the repository
 * as it is now ({@link GitRefs}); a checkout the cache lacks is fetched shallowly (depth 1) when a ref names the
 * commit, fully only for a commit id that no ref points at, into a temporary folder that is renamed into place
 * atomically once complete, so a half-written checkout is never reused, also across agents sharing the folder. Two
 * runs of this agent that need the same checkout at once fetch it once. Retention: the {@code agent.git.keep} most
 * recently used checkouts stay, older ones go after each new checkout (never one in use by this agent).
 */
final class GitCheckouts {

    private static final System.Logger LOG = System.getLogger(GitCheckouts.class.getName());
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{7,40}");
    private static final String TEMP = ".tmp-";
    private static final String TRASH = ".trash-";

    private final Path root;
    private final int keep;
    private final Duration timeout;
    private final Map<String, CompletableFuture<Path>> fetching = new ConcurrentHashMap<>();
    private final Map<Path, Integer> inUse = new HashMap<>();

    /**
     * @param root    the cache folder, created if missing; leftovers of agents that died while writing are removed
     * @param keep    how many checkouts to keep at most (the most recently used)
     * @param timeout how long one network operation with a repository may take
     */
    GitCheckouts(Path root, int keep, Duration timeout) {
        this.root = root.toAbsolutePath();
        this.keep = keep;
        this.timeout = timeout;
        try {
            Files.createDirectories(this.root);
            removeLeftovers();
        } catch (IOException e) {
            // Runs with a git source fail saying so; the others are not concerned.
            LOG.log(System.Logger.Level.WARNING, "Cannot create the git cache " + this.root + ": " + e);
        }
    }

    Path root() {
        return root;
    }

    /** What a run asked for, resolved against the repository as it is now. */
    GitRefs.Resolved resolve(String repo, String ref) {
        return GitRefs.resolve(repo, ref, timeout);
    }

    /**
     * The checkout of a resolved ref: the cached one, else a new one. The caller closes it when done with its
     * files; until then retention leaves it alone.
     *
     * @param log receives a line saying which (cloned or cached), for the run's log
     * @throws GitFailure when the repository cannot be fetched or the commit is not in it
     */
    Checkout checkout(GitRefs.Resolved resolved, String node, Consumer<String> log) {
        Instant began = Instant.now();
        Path existing = resolved.commit() != null ? cached(resolved.repo(), resolved.commit())
                : cachedByPrefix(resolved.repo(), resolved.commitPrefix());
        if (existing != null) {
            Checkout checkout = use(resolved.repo(), existing);
            if (checkout != null) {
                log.accept("Using the checkout of " + checkout.commit() + " cached on node " + node + ".");
                return checkout;
            }
        }
        String key = repoKey(resolved.repo()) + "-"
                + (resolved.commit() != null ? resolved.commit() : "~" + resolved.commitPrefix());
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> theirs = fetching.putIfAbsent(key, mine);
        Path dir;
        boolean cloned = false;
        if (theirs == null) {
            try {
                dir = fetch(resolved);
                cloned = true;
                mine.complete(dir);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                fetching.remove(key, mine);
            }
        } else {
            dir = await(theirs);
        }
        Checkout checkout = use(resolved.repo(), dir);
        if (checkout == null) {
            throw new GitFailure("clone failed: the checkout of " + resolved.repo() + " was removed while in use");
        }
        if (cloned) {
            log.accept("Cloned " + resolved.repo() + " at " + resolved.describe() + " → " + checkout.commit()
                    + " in " + seconds(Duration.between(began, Instant.now())) + ".");
            retain();
        } else {
            log.accept("Using the checkout of " + checkout.commit() + " cached on node " + node
                    + " (cloned by another run just now).");
        }
        return checkout;
    }

    private static Path await(CompletableFuture<Path> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new GitFailure("clone failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitFailure("clone failed: interrupted");
        }
    }

    /** The folder of a (repository, commit), when it is complete on disk. */
    private Path cached(String repo, String commit) {
        Path dir = root.resolve(repoKey(repo) + "-" + commit);
        return Files.isDirectory(dir) ? dir : null;
    }

    /** The one complete checkout of the repository whose commit starts with {@code prefix}, if exactly one. */
    private Path cachedByPrefix(String repo, String prefix) {
        String start = repoKey(repo) + "-" + prefix.toLowerCase(Locale.ROOT);
        try (Stream<Path> list = Files.list(root)) {
            List<Path> found = list.filter(p -> p.getFileName().toString().startsWith(start))
                    .filter(Files::isDirectory).limit(2).toList();
            return found.size() == 1 ? found.getFirst() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Fetches into a temporary folder, then renames it into place; answers the final folder. */
    private Path fetch(GitRefs.Resolved resolved) {
        Path temp = root.resolve(TEMP + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            String commit = GitRefs.fetch(resolved, temp, timeout);
            Path target = root.resolve(repoKey(resolved.repo()) + "-" + commit);
            deleteTree(temp.resolve(".git"));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another agent sharing the cache (or a cached commit reached through an abbreviation) got there
                // first: theirs is complete, ours goes.
                LOG.log(System.Logger.Level.DEBUG, "Checkout " + target + " exists already; using it");
            } catch (AtomicMoveNotSupportedException e) {
                throw new GitFailure("clone failed: the git cache " + root + " cannot rename folders atomically");
            }
            return target;
        } catch (IOException e) {
            throw new GitFailure("clone failed: cannot write the checkout of " + resolved.repo() + " under " + root
                    + ": " + e.getMessage());
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Marks a checkout in use and as just used; null when it was removed meanwhile. */
    private Checkout use(String repo, Path dir) {
        synchronized (inUse) {
            if (!Files.isDirectory(dir)) {
                return null;
            }
            inUse.merge(dir, 1, Integer::sum);
        }
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot touch " + dir, e);
        }
        String name = dir.getFileName().toString();
        return new Checkout(repo, name.substring(name.lastIndexOf('-') + 1), dir, this);
    }

    private void release(Path dir) {
        synchronized (inUse) {
            inUse.computeIfPresent(dir, (d, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Keeps the {@code keep} most recently used checkouts; removes the others that this agent is not using. */
    void retain() {
        List<Path> all;
        try (Stream<Path> list = Files.list(root)) {
            all = list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(GitCheckouts::lastUsed).reversed()).toList();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot list the git cache " + root + ": " + e.getMessage());
            return;
        }
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            Path trash = root.resolve(TRASH + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
            synchronized (inUse) {
                if (inUse.containsKey(old)) {
                    continue;
                }
                try {
                    Files.move(old, trash, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    continue; // removed by another agent sharing the cache
                }
            }
            deleteQuietly(trash);
            LOG.log(System.Logger.Level.INFO, "Removed the git checkout " + old.getFileName()
                    + " (more than " + keep + " kept)");
        }
    }

    private static FileTime lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Removes temporary and half-deleted folders whose agent (process) is gone. */
    private void removeLeftovers() {
        try (Stream<Path> list = Files.list(root)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                String rest = name.startsWith(TEMP) ? name.substring(TEMP.length())
                        : name.startsWith(TRASH) ? name.substring(TRASH.length()) : null;
                if (rest == null) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, rest.indexOf('-')));
                } catch (RuntimeException e) {
                    pid = -1;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                        .orElse(false)) {
                    continue;
                }
                deleteQuietly(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot clean the git cache " + root + ": " + e.getMessage());
        }
    }

    /** The first 16 hex digits of the SHA-256 of a repository's URL: its checkouts' folder names start with it. */
    static String repoKey(String repo) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(repo.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean looksLikeCommit(String ref) {
        return ref != null && HEX.matcher(ref).matches();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static void deleteQuietly(Path path) {
        try {
            deleteTree(path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot remove " + path + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.toFile().canWrite()) {
                    p.toFile().setWritable(true);
                }
                Files.deleteIfExists(p);
            }
        }
    }

    /** What JGit threw, as one failure whose reason starts with {@code what}. */
    static GitFailure failure(String what, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = e.getMessage();
        if (cause != e && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return new GitFailure(what + message);
    }

    /**
     * A checkout in use: its working tree stays until closed.
     *
     * @param repo   the repository it was cloned from
     * @param commit the commit it holds (40 hex)
     * @param dir    its working tree, without {@code .git}
     */
    record Checkout(String repo, String commit, Path dir, GitCheckouts cache) implements AutoCloseable {
        @Override
        public void close() {
            cache.release(dir);
        }
    }

    /** A repository that cannot be fetched, or a ref or commit it does not have: the reason is the user's. */
    static final class GitFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GitFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
