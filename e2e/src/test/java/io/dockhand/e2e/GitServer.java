package io.dockhand.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real git server for the tests' repositories: {@code git daemon} on this machine, listening on docker_gwbridge's
 * gateway address, where the agents' containers (and the store's replicas) reach the host, serving bare clones of
 * working folders the test makes. {@link #close()} stops it and deletes its files and the folders it was handed.
 */
final class GitServer implements AutoCloseable {
    private final Path root;
    private final String host;
    private final int port;
    private final Process daemon;
    private final List<Path> folders = new ArrayList<>();

    private GitServer(Path root, String host, int port, Process daemon) {
        this.root = root;
        this.host = host;
        this.port = port;
        this.daemon = daemon;
    }

    /** Starts the daemon on docker_gwbridge's gateway address (the swarm has created that network by now). */
    static GitServer start() throws Exception {
        String host = Docker.ok("network", "inspect", "docker_gwbridge", "--format",
                                "{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}").split("\\s+")[0];
        assertThat(host).as("docker_gwbridge's gateway address").isNotEmpty();
        Path root = Files.createTempDirectory("dockhand-e2e-git");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--base-path=" + root,
                                            "--listen=" + host, "--port=" + port, root.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("daemon.log").toFile()).start();
        GitServer server = new GitServer(root, host, port, daemon);
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket(host, port)) {
                return server;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        String log = Files.readString(root.resolve("daemon.log"));
        server.close();
        throw new AssertionError("git daemon did not listen on " + host + ":" + port + ": " + log);
    }

    /** A new empty working folder, deleted on {@link #close()}. */
    Path folder(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        folders.add(dir);
        return dir;
    }

    /**
     * Serves {@code src}, a repository with a commit, as {@code name.git}: its {@code git://} URL. {@code src} gets it
     * as its {@code origin}, so later commits reach the server with {@code git push origin}.
     */
    String serve(Path src, String name) throws Exception {
        Path bare = root.resolve(name + ".git");
        git(root, "clone", "-q", "--bare", src.toString(), bare.toString());
        git(src, "remote", "add", "origin", bare.toString());
        return "git://" + host + ":" + port + "/" + name + ".git";
    }

    /** Makes {@code src} a repository of what it holds, on branch main, with one commit. */
    static void commitAll(Path src, String message) throws Exception {
        if (!Files.exists(src.resolve(".git"))) {
            git(src, "init", "-q", "-b", "main");
        }
        git(src, "add", ".");
        git(src, "-c", "user.name=e2e", "-c", "user.email=e2e@dockhand.invalid", "commit", "-q", "-m", message);
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes());
        assertThat(git.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    }

    @Override
    public void close() throws IOException {
        daemon.descendants().forEach(ProcessHandle::destroyForcibly);
        daemon.destroyForcibly();
        try {
            daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Path> all = new ArrayList<>(folders);
        all.add(root);
        for (Path dir : all) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
