package io.dockhand.agent.work;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.dockhand.agent.work.GitCheckouts.Checkout;
import io.dockhand.agent.work.GitCheckouts.GitFailure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node's git checkout cache against repositories served by JGit's daemon on 127.0.0.1: refs of every kind
 * resolved, one checkout per (repository, commit) reused, fetched once when wanted twice at once, retention, and
 * failures that say what failed.
 */
class GitCheckoutsTest {

    private static GitRepos repos;
    private static String url;
    private static String first;
    private static String second;
    private static String dev;

    private Path cache;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void repositories() throws IOException {
        repos = new GitRepos();
        url = repos.create("app");
        first = repos.commit("app", "main", Map.of("Dockerfile", "FROM dockhand/debian:bookworm\n",
                                                   "version.txt", "1\n"));
        second = repos.commit("app", "main", Map.of("Dockerfile", "FROM dockhand/debian:bookworm\n",
                                                    "version.txt", "2\n"));
        dev = repos.commit("app", "dev", Map.of("Dockerfile", "FROM dockhand/debian:bookworm\n",
                                               "version.txt", "dev\n"));
        repos.tag("app", "v1", first, null);
        repos.tag("app", "v1-annotated", first, "release 1");
    }

    @AfterAll
    static void stop() throws IOException {
        repos.close();
    }

    @BeforeEach
    void folder() throws IOException {
        cache = Files.createTempDirectory("dockhand-git-cache");
    }

    @AfterEach
    void clean() {
        GitCheckouts.deleteQuietly(cache);
    }

    private GitCheckouts checkouts(int keep) {
        return new GitCheckouts(cache, keep, Duration.ofSeconds(20));
    }

    private Checkout checkout(GitCheckouts checkouts, String repo, String ref) {
        return checkouts.checkout(checkouts.resolve(repo, ref), "node-1", log::add);
    }

    private static String version(Checkout checkout) throws IOException {
        return Files.readString(checkout.dir().resolve("version.txt")).strip();
    }

    @Test
    void checksOutTheRepositorysHeadWithoutItsGitFolder() throws IOException {
        try (Checkout checkout = checkout(checkouts(20), url, null)) {
            assertThat(checkout.commit()).isEqualTo(second);
            assertThat(version(checkout)).isEqualTo("2");
            assertThat(checkout.dir().resolve(".git")).doesNotExist();
            assertThat(checkout.dir().getParent()).isEqualTo(cache.toAbsolutePath());
        }
        assertThat(log).singleElement().asString()
                .startsWith("Cloned " + url + " at HEAD → " + second + " in ").endsWith(" s.");
    }

    @Test
    void resolvesBranchesTagsFullRefNamesAndCommitIds() throws IOException {
        GitCheckouts checkouts = checkouts(20);
        assertThat(checkout(checkouts, url, "dev").commit()).isEqualTo(dev);
        assertThat(checkout(checkouts, url, "main").commit()).isEqualTo(second);
        assertThat(checkout(checkouts, url, "refs/heads/dev").commit()).isEqualTo(dev);
        assertThat(checkout(checkouts, url, "v1").commit()).isEqualTo(first);
        assertThat(checkout(checkouts, url, "v1-annotated").commit()).isEqualTo(first);
        assertThat(checkout(checkouts, url, "refs/tags/v1-annotated").commit()).isEqualTo(first);
        try (Checkout byId = checkout(checkouts(20), url, second.substring(0, 7).toUpperCase())) {
            assertThat(byId.commit()).isEqualTo(second);
        }
    }

    @Test
    void fetchesOneCommitDeepWhenARefNamesItAndTheWholeHistoryOnlyForACommitIdNoRefNames() throws IOException {
        GitRefs.Resolved tag = GitRefs.resolve(url, "v1-annotated", Duration.ofSeconds(20));
        assertThat(tag.refName()).isEqualTo("refs/tags/v1-annotated");
        assertThat(tag.commit()).as("peeled").isEqualTo(first);
        assertThat(GitRefs.fetch(tag, cache.resolve("a"), Duration.ofSeconds(20))).isEqualTo(first);
        assertThat(cache.resolve("a/.git/shallow")).content().isEqualToIgnoringNewLines(first);

        GitRefs.Resolved byId = GitRefs.resolve(url, first.substring(0, 8), Duration.ofSeconds(20));
        assertThat(byId.refName()).as("v1 points at it").isEqualTo("refs/tags/v1");

        GitRefs.Resolved hidden = GitRefs.resolve(url, first, Duration.ofSeconds(20));
        assertThat(hidden.refName()).isNotNull();
        GitRefs.Resolved unnamed = new GitRefs.Resolved(url, first, null, first, first);
        assertThat(GitRefs.fetch(unnamed, cache.resolve("b"), Duration.ofSeconds(20))).isEqualTo(first);
        assertThat(cache.resolve("b/.git/shallow")).doesNotExist();
    }

    @Test
    void findsACommitNoRefPointsAtByItsIdAbbreviatedOrWhole() throws IOException {
        String older = repos.commit("app", "history", Map.of("Dockerfile", "FROM scratch\n", "version.txt", "a\n"));
        repos.commit("app", "history", Map.of("Dockerfile", "FROM scratch\n", "version.txt", "b\n"));

        try (Checkout byPrefix = checkout(checkouts(20), url, older.substring(0, 9))) {
            assertThat(byPrefix.commit()).isEqualTo(older);
            assertThat(version(byPrefix)).isEqualTo("a");
        }
        GitCheckouts elsewhere = new GitCheckouts(cache.resolve("other"), 20, Duration.ofSeconds(20));
        try (Checkout whole = elsewhere.checkout(elsewhere.resolve(url, older), "node-1", log::add)) {
            assertThat(whole.commit()).isEqualTo(older);
            assertThat(version(whole)).isEqualTo("a");
        }
    }

    @Test
    void reusesTheCheckoutOfACommitWhicheverRefNamesIt() {
        GitCheckouts checkouts = checkouts(20);
        Path dir;
        try (Checkout one = checkout(checkouts, url, "v1")) {
            dir = one.dir();
        }
        try (Checkout two = checkout(checkouts, url, "v1-annotated");
             Checkout three = checkout(checkouts, url, first.substring(0, 12))) {
            assertThat(two.dir()).isEqualTo(dir);
            assertThat(three.dir()).isEqualTo(dir);
        }
        assertThat(log).hasSize(3);
        assertThat(log.get(0)).startsWith("Cloned ");
        assertThat(log.subList(1, 3)).allSatisfy(line -> assertThat(line)
                .isEqualTo("Using the checkout of " + first + " cached on node node-1."));
    }

    @Test
    void clonesOnceWhenManyRunsWantTheSameCommitAtOnce() throws Exception {
        GitCheckouts checkouts = checkouts(20);
        GitRefs.Resolved resolved = checkouts.resolve(url, "main");
        int runs = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Path>> dirs = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runs; i++) {
                dirs.add(threads.submit(() -> {
                    go.await();
                    try (Checkout checkout = checkouts.checkout(resolved, "node-1", log::add)) {
                        return checkout.dir();
                    }
                }));
            }
            go.countDown();
        }
        assertThat(dirs.stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).distinct()).hasSize(1);
        assertThat(log).hasSize(runs).filteredOn(line -> line.startsWith("Cloned ")).hasSize(1);
        assertThat(entries()).hasSize(1);
    }

    @Test
    void keepsTheMostRecentlyUsedCheckoutsAndNeverOneInUse() throws IOException {
        GitCheckouts checkouts = checkouts(2);
        Checkout held = checkout(checkouts, url, "dev");
        age(held.dir(), 100);
        checkout(checkouts, url, "v1").close();
        age(cache.resolve(held.dir().getFileName()), 100);
        checkout(checkouts, url, "main").close();
        // dev is the oldest, but in use: the three stay until it is released.
        assertThat(entries()).hasSize(3);
        held.close();
        checkout(checkouts, url, "main").close(); // reused, nothing new: no pass yet
        checkouts.retain();

        assertThat(entries()).map(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(GitCheckouts.repoKey(url) + "-" + first,
                                           GitCheckouts.repoKey(url) + "-" + second);
    }

    @Test
    void keepsTheCheckoutAnotherAgentPutInPlaceFirst() throws IOException {
        Path theirs = Files.createDirectories(cache.resolve("k-c"));
        Files.writeString(theirs.resolve("Dockerfile"), "theirs");
        Path ours = Files.createDirectories(cache.resolve(".tmp-1-x"));
        Files.writeString(ours.resolve("Dockerfile"), "ours");

        GitCheckouts.place(ours, theirs);

        assertThat(theirs.resolve("Dockerfile")).hasContent("theirs");
        Path fresh = Files.createDirectories(cache.resolve(".tmp-1-y"));
        GitCheckouts.place(fresh, cache.resolve("k-d"));
        assertThat(cache.resolve("k-d")).isDirectory();
        assertThat(fresh).doesNotExist();
    }

    @Test
    void removesWhatAnAgentThatDiedLeftHalfWrittenAndNeverUsesIt() throws IOException {
        Path half = Files.createDirectories(cache.resolve(".tmp-2147483646-x/sub"));
        Files.writeString(half.resolve("file"), "half");
        Path trash = Files.createDirectories(cache.resolve(".trash-2147483646-y"));

        try (Checkout checkout = checkout(checkouts(20), url, "main")) {
            assertThat(checkout.commit()).isEqualTo(second);
        }

        assertThat(half.getParent()).doesNotExist();
        assertThat(trash).doesNotExist();
        assertThat(entries()).hasSize(1);
    }

    @Test
    void failsWithAReasonForAnUnknownRefOrCommit() {
        GitCheckouts checkouts = checkouts(20);
        assertThatThrownBy(() -> checkout(checkouts, url, "nope")).isInstanceOf(GitFailure.class)
                .hasMessage("unknown ref 'nope' in " + url);
        assertThatThrownBy(() -> checkout(checkouts, url, "refs/heads/nope")).isInstanceOf(GitFailure.class)
                .hasMessage("unknown ref 'refs/heads/nope' in " + url);
        assertThatThrownBy(() -> checkout(checkouts, url, "0000000deadbeef")).isInstanceOf(GitFailure.class)
                .hasMessageStartingWith("unknown ref '0000000deadbeef' in " + url);
        assertThat(entries()).isEmpty();
    }

    @Test
    void failsWithAReasonForARepositoryThatCannotBeReached() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        GitCheckouts checkouts = checkouts(20);
        String nowhere = "git://127.0.0.1:" + closed + "/app.git";
        assertThatThrownBy(() -> checkout(checkouts, nowhere, null)).isInstanceOf(GitFailure.class)
                .hasMessageStartingWith("clone failed: " + nowhere + ": ");
        assertThatThrownBy(() -> checkout(checkouts, repos.url("missing"), "main")).isInstanceOf(GitFailure.class)
                .hasMessageStartingWith("clone failed: " + repos.url("missing") + ": ");
        repos.create("empty");
        assertThatThrownBy(() -> checkout(checkouts, repos.url("empty"), null)).isInstanceOf(GitFailure.class)
                .hasMessage("unknown ref 'HEAD' in " + repos.url("empty") + " (the repository has no commits)");
    }

    @Test
    void givesUpOnARepositoryThatAcceptsButNeverAnswersWithinItsTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<java.net.Socket> accepted = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String mute = "git://127.0.0.1:" + silent.getLocalPort() + "/app.git";
            GitCheckouts checkouts = new GitCheckouts(cache, 20, Duration.ofSeconds(2));
            Instant began = Instant.now();
            assertThatThrownBy(() -> checkouts.resolve(mute, null)).isInstanceOf(GitFailure.class)
                    .hasMessageStartingWith("clone failed: " + mute + ": ")
                    .hasMessageMatching(".*: (no answer within .*|.*timed out.*)");
            assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(10));
            acceptor.interrupt();
            for (java.net.Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private void age(Path dir, int seconds) throws IOException {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(seconds)));
    }

    private List<Path> entries() {
        try (Stream<Path> list = Files.list(cache)) {
            return list.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}-[0-9a-f]{40}"))
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
