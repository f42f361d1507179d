package io.dockhand.server.deployments;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.DaemonClient;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * Git repositories for tests, with no internet: bare repositories in a temp folder, served over {@code git://}
 * on 127.0.0.1 (a random port) by JGit's daemon in the test's JVM. Commits are written straight into the bare
 * repository from a map of paths to contents. (A copy of info-agent's test helper of the same name.)
 */
public final class GitRepos implements AutoCloseable {

    /** A file's content marked executable ({@code 100755}). */
    static final String EXECUTABLE = "#!exec:";
    /** A symbolic link whose target follows. */
    static final String LINK = "#!link:";

    final Path dir;
    private final Daemon daemon;

    public GitRepos() throws IOException {
        dir = Files.createTempDirectory("dockhand-git-repos");
        daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
        daemon.setRepositoryResolver(new FileResolver<DaemonClient>(dir.toFile(), true));
        daemon.start();
    }

    /** The {@code git://} URL of repository {@code name} (which need not exist). */
    public String url(String name) {
        return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/" + name + ".git";
    }

    /** Creates an empty bare repository whose HEAD is {@code refs/heads/main}. */
    public String create(String name) throws IOException {
        try (Repository repo = FileRepositoryBuilder.create(dir.resolve(name + ".git").toFile())) {
            repo.create(true);
            RefUpdate head = repo.updateRef(Constants.HEAD);
            head.link("refs/heads/main");
        }
        return url(name);
    }

    /**
     * Commits these files (the whole tree: {@code path → content}; {@link #EXECUTABLE} and {@link #LINK} prefixes
     * mark modes) on top of {@code branch}, which moves to it.
     *
     * @return the new commit's id
     */
    public String commit(String name, String branch, Map<String, String> files) throws IOException {
        try (Repository repo = open(name); ObjectInserter inserter = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(file -> {
                String content = file.getValue();
                FileMode mode = FileMode.REGULAR_FILE;
                if (content.startsWith(EXECUTABLE)) {
                    mode = FileMode.EXECUTABLE_FILE;
                    content = content.substring(EXECUTABLE.length());
                } else if (content.startsWith(LINK)) {
                    mode = FileMode.SYMLINK;
                    content = content.substring(LINK.length());
                }
                DirCacheEntry entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(mode);
                try {
                    entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                builder.add(entry);
            });
            builder.finish();
            ObjectId tree = index.writeTree(inserter);
            CommitBuilder commit = new CommitBuilder();
            PersonIdent who = new PersonIdent("Dockhand Test", "test@dockhand.invalid");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setTreeId(tree);
            commit.setMessage("files " + files.keySet());
            ObjectId parent = repo.resolve("refs/heads/" + branch);
            if (parent != null) {
                commit.setParentId(parent);
            }
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef("refs/heads/" + branch);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            update.update();
            return id.name();
        }
    }

    /** Points the repository's HEAD at {@code branch}. */
    public void head(String name, String branch) throws IOException {
        try (Repository repo = open(name)) {
            repo.updateRef(Constants.HEAD).link("refs/heads/" + branch);
        }
    }

    /** A lightweight tag, or an annotated one when {@code message} is not null. */
    public void tag(String name, String tag, String commit, String message) throws IOException {
        try (Repository repo = open(name); ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId target = ObjectId.fromString(commit);
            if (message != null) {
                TagBuilder builder = new TagBuilder();
                builder.setTag(tag);
                builder.setObjectId(target, Constants.OBJ_COMMIT);
                builder.setTagger(new PersonIdent("Dockhand Test", "test@dockhand.invalid"));
                builder.setMessage(message);
                target = inserter.insert(builder);
                inserter.flush();
            }
            RefUpdate update = repo.updateRef("refs/tags/" + tag);
            update.setNewObjectId(target);
            update.setForceUpdate(true);
            update.update();
        }
    }

    private Repository open(String name) throws IOException {
        return new FileRepositoryBuilder().setGitDir(dir.resolve(name + ".git").toFile()).setMustExist(true).build();
    }

    @Override
    public void close() throws IOException {
        daemon.stop();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
