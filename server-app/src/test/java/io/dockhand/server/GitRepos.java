package io.dockhand.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.dockhand.server.databases.Directories;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * Git repositories served over {@code git://} from this JVM (JGit's daemon on 127.0.0.1, a random port), for tests
 * that need a real git server without the internet. {@link #commit} adds files to a repository's {@code main}.
 */
final class GitRepos implements AutoCloseable {
    private final Path root;
    private final Daemon daemon;

    GitRepos() throws IOException {
        root = Files.createTempDirectory("dockhand-git");
        daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
        daemon.getService("git-upload-pack").setEnabled(true);
        daemon.setRepositoryResolver(new FileResolver<>(root.toFile(), true));
        daemon.start();
    }

    /** The URL of repository {@code name} (made by the first {@link #commit} to it). */
    String url(String name) {
        return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/" + name + ".git";
    }

    /** Commits the files (path → text) on branch {@code main} of the bare repository {@code name}: the commit id. */
    String commit(String name, Map<String, String> files) throws IOException, GitAPIException {
        Path bare = root.resolve(name + ".git");
        if (!Files.exists(bare)) {
            Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        }
        Path work = Files.createTempDirectory("dockhand-git-work");
        try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call()) {
            Repository repository = git.getRepository();
            if (repository.resolve("HEAD") == null) {
                git.checkout().setOrphan(true).setName("main").call();
            }
            for (var file : files.entrySet()) {
                Path path = work.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
                git.add().addFilepattern(file.getKey()).call();
            }
            RevCommit commit = git.commit().setMessage("test").setAuthor("test", "test@dockhand.invalid")
                    .setCommitter("test", "test@dockhand.invalid").call();
            git.push().setRemote("origin").add("main").call();
            return commit.getName();
        } finally {
            Directories.deleteTree(work);
        }
    }

    @Override
    public void close() throws IOException {
        daemon.stop();
        Directories.deleteTree(root);
    }
}
