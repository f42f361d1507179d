package io.dockhand.server.deployments;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoProbeTest {
    private static final List<String> MANIFESTS = ManifestParser.FILES;
    private static final RepoProbe PROBE = new RepoProbe();

    private static GitRepos repos;
    private static String app;
    private static String mainCommit;
    private static String devCommit;
    private static String olderCommit;

    @BeforeAll
    static void serveRepositories() throws IOException {
        repos = new GitRepos();
        app = repos.create("app");
        olderCommit = repos.commit("app", "main", Map.of("shipwreck.toml", "[app]\nname = \"old\"\n"));
        mainCommit = repos.commit("app", "main", Map.of("shipwreck.toml", "[app]\nname = \"kraken\"\n",
                "README.md", "hello\n"));
        devCommit = repos.commit("app", "dev", Map.of("dockhand.toml", "[app]\nname = \"dev\"\n",
                "shipwreck.toml", "[app]\nname = \"kraken\"\n"));
        for (String branch : List.of("feature-a", "feature-b", "feature-c", "feature-d", "feature-e")) {
            repos.commit("app", branch, Map.of("dockhand.toml/oops", "a folder, not a file\n"));
        }
        repos.create("trunk");
        repos.commit("trunk", "trunk", Map.of("dockhand.toml", "x".repeat(RepoProbe.MAX_FILE + 1)));
        repos.head("trunk", "trunk");
        repos.create("empty");
        repos.create("cased");
        repos.commit("cased", "Release-1", Map.of("dockhand.toml", "[app]\nname = \"cased\"\n"));
    }

    @AfterAll
    static void stopServing() throws IOException {
        repos.close();
    }

    @Test
    void resolvesTheBranchHeadNamesWhenNoneIsGiven() {
        assertThat(PROBE.resolve(app, null)).isEqualTo(new RepoProbe.Resolved("main", mainCommit));
        assertThat(PROBE.resolve(repos.url("trunk"), null).branch()).isEqualTo("trunk");
    }

    @Test
    void resolvesANamedBranch() {
        assertThat(PROBE.resolve(app, "dev")).isEqualTo(new RepoProbe.Resolved("dev", devCommit));
        assertThat(PROBE.resolve(app, "refs/heads/dev")).isEqualTo(new RepoProbe.Resolved("dev", devCommit));
    }

    @Test
    void namesSomeBranchesThatExistWhenTheBranchDoesNot() {
        assertThatThrownBy(() -> PROBE.resolve(app, "prod"))
                .isInstanceOf(RepoProbe.UnknownBranch.class)
                .hasMessage("branch 'prod' is not in " + app + "; it has main, dev, feature-a, feature-b, feature-c"
                        + " and 2 more")
                .satisfies(e -> assertThat(((RepoProbe.UnknownBranch) e).branches()).hasSize(7));
        assertThatThrownBy(() -> PROBE.resolve(repos.url("empty"), null))
                .isInstanceOf(RepoProbe.UnknownBranch.class)
                .hasMessage("repository " + repos.url("empty") + " has no branches yet");
    }

    @Test
    void saysWhyARepositoryIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nowhere = "git://127.0.0.1:" + closedPort + "/app.git";

        assertThatThrownBy(() -> PROBE.resolve(repos.url("missing"), null))
                .isInstanceOf(RepoProbe.Unreachable.class)
                .hasMessageStartingWith("repository " + repos.url("missing") + " is unreachable: ")
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> PROBE.resolve(nowhere, "main"))
                .isInstanceOf(RepoProbe.Unreachable.class)
                .hasMessageStartingWith("repository " + nowhere + " is unreachable: ")
                .hasMessageContaining("onnection refused");
        assertThatThrownBy(() -> PROBE.read(nowhere, "main", MANIFESTS))
                .isInstanceOf(RepoProbe.Unreachable.class);
    }

    @Test
    void givesUpOnARepositoryThatNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String mute = "git://127.0.0.1:" + silent.getLocalPort() + "/app.git";
            RepoProbe quick = new RepoProbe(Duration.ofSeconds(1));
            long start = System.nanoTime();

            assertThatThrownBy(() -> quick.resolve(mute, null))
                    .isInstanceOf(RepoProbe.Unreachable.class)
                    .hasMessageMatching(".* is unreachable: (no answer within 1 s|.*timed out.*)");
            assertThatThrownBy(() -> quick.read(mute, "main", MANIFESTS)).isInstanceOf(RepoProbe.Unreachable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "file:///etc", "../app.git", "ext::sh -c id"})
    void refusesRepositoriesOnTheStoresOwnDisk(String repo) {
        assertThatThrownBy(() -> PROBE.resolve(repo, null))
                .isInstanceOf(RepoProbe.Unreachable.class)
                .hasMessageEndingWith("give a git://, http(s)://, ssh:// or user@host:path URL");
    }

    @Test
    void readsTheFirstManifestThatExistsAtABranchOrCommit() {
        Optional<RepoProbe.RepoFile> kraken = PROBE.read(app, "main", MANIFESTS);
        Optional<RepoProbe.RepoFile> dev = PROBE.read(app, devCommit, MANIFESTS);

        assertThat(kraken).hasValueSatisfying(file -> {
            assertThat(file.path()).isEqualTo("shipwreck.toml");
            assertThat(file.commit()).isEqualTo(mainCommit);
            assertThat(file.text()).isEqualTo("[app]\nname = \"kraken\"\n");
        });
        assertThat(dev).hasValueSatisfying(file -> {
            assertThat(file.path()).isEqualTo("dockhand.toml");
            assertThat(file.commit()).isEqualTo(devCommit);
        });
    }

    @Test
    void readsABranchWhoseNameHasCapitals() {
        assertThat(PROBE.read(repos.url("cased"), "Release-1", MANIFESTS).orElseThrow().text())
                .isEqualTo("[app]\nname = \"cased\"\n");
        assertThatThrownBy(() -> PROBE.read(repos.url("cased"), "release-1", MANIFESTS))
                .isInstanceOf(RepoProbe.UnknownBranch.class)
                .hasMessageEndingWith("; it has Release-1");
    }

    @Test
    void findsNoManifestWhereThereIsOnlyAFolderOfThatName() {
        assertThat(PROBE.read(app, "feature-a", MANIFESTS)).isEmpty();
        assertThat(PROBE.read(app, "main", List.of("missing.toml"))).isEmpty();
    }

    @Test
    void refusesAFileLargerThan64KiB() {
        assertThatThrownBy(() -> PROBE.read(repos.url("trunk"), "trunk", MANIFESTS))
                .isInstanceOf(RepoProbe.TooLarge.class)
                .hasMessage("dockhand.toml is 65537 bytes; at most 65536 are read");
    }

    @Test
    void readsAnOlderCommitByIdWhereTheServerHandsItOut() {
        assertThat(PROBE.read(app, olderCommit, MANIFESTS).orElseThrow().text())
                .isEqualTo("[app]\nname = \"old\"\n");
    }

    @Test
    void leavesNoTemporaryRepositoryBehind() throws IOException {
        long before = probes();
        PROBE.read(app, "main", MANIFESTS);
        assertThatThrownBy(() -> PROBE.read(repos.url("trunk"), "trunk", MANIFESTS));

        assertThat(probes()).isEqualTo(before);
    }

    @Test
    void readsAnUnknownBranchAsUnknown() {
        assertThatThrownBy(() -> PROBE.read(app, "prod", MANIFESTS)).isInstanceOf(RepoProbe.UnknownBranch.class);
    }

    private static long probes() throws IOException {
        try (Stream<Path> temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temp.filter(p -> p.getFileName().toString().startsWith("dockhand-probe")).count();
        }
    }
}
