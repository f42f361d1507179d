package io.dockhand.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

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
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.DaemonClient;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * Git repositories for tests, with no internet: bare repositories in a test folder served over {@code git://} on
 * 127.0.0.1 by JGit's daemon in the test's JVM; commits are written straight into them from a map of paths to
 * contents. (The part of server-app's test helper of the same name that deployments need.)
 */
final class GitRepos implements AutoCloseable {
    private final Path dir;
    private final Daemon daemon;

    GitRepos(Path dir) throws IOException {
        this.dir = dir;
        daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
        daemon.setRepositoryResolver(new FileResolver<DaemonClient>(dir.toFile(), true));
        daemon.start();
    }

    /** The {@code git://} URL of repository {@code name}. */
    String url(String name) {
        return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/" + name + ".git";
    }

    /** Creates a bare repository whose HEAD is {@code refs/heads/main}; its URL. */
    String create(String name) throws IOException {
        try (Repository repo = FileRepositoryBuilder.create(dir.resolve(name + ".git").toFile())) {
            repo.create(true);
            repo.updateRef(Constants.HEAD).link("refs/heads/main");
        }
        return url(name);
    }

    /** Commits these files (the whole tree) on top of {@code main}, which moves to it; the commit's id. */
    String commit(String name, Map<String, String> files) throws IOException {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(name + ".git").toFile())
                .setMustExist(true).build(); ObjectInserter inserter = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, String> file : new java.util.TreeMap<>(files).entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()
                        .getBytes(StandardCharsets.UTF_8)));
                builder.add(entry);
            }
            builder.finish();
            CommitBuilder commit = new CommitBuilder();
            PersonIdent who = new PersonIdent("Dockhand Test", "test@dockhand.invalid");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setTreeId(index.writeTree(inserter));
            commit.setMessage("files " + files.keySet());
            ObjectId parent = repo.resolve("refs/heads/main");
            if (parent != null) {
                commit.setParentId(parent);
            }
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef("refs/heads/main");
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            update.update();
            return id.name();
        }
    }

    @Override
    public void close() {
        daemon.stop();
    }
}
