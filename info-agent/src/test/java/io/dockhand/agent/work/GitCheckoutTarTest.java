package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.dockhand.agent.work.GitCheckouts.Checkout;
import io.dockhand.agent.work.GitCheckouts.GitFailure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A git checkout as a build context: no {@code .git}, {@code .dockerignore} honoured, modes and links kept. */
class GitCheckoutTarTest {

    private static GitRepos repos;
    private static Path cache;
    private static GitCheckouts checkouts;
    private static String url;

    @BeforeAll
    static void repository() throws IOException {
        repos = new GitRepos();
        url = repos.create("ctx");
        repos.commit("ctx", "main", Map.of(
                "Dockerfile", "FROM dockhand/debian:bookworm\n",
                ".dockerignore", "secret*\nlogs\n!logs/keep.txt\nDockerfile\n**/*.tmp\n",
                "run.sh", GitRepos.EXECUTABLE + "#!/bin/sh\necho hi\n",
                "link", GitRepos.LINK + "run.sh",
                "escape", GitRepos.LINK + "/etc/passwd",
                "secret.txt", "password\n",
                "logs/a.log", "a\n",
                "logs/keep.txt", "kept\n",
                "sub/Dockerfile.dev", "FROM dockhand/debian:bookworm\n",
                "sub/deep/x.tmp", "x\n"));
        cache = Files.createTempDirectory("dockhand-git-cache");
        checkouts = new GitCheckouts(cache, 20, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws IOException {
        repos.close();
        GitCheckouts.deleteQuietly(cache);
    }

    private static Checkout checkout() {
        return checkouts.checkout(checkouts.resolve(url, null), "node-1", line -> { });
    }

    @Test
    void tarsTheWorkingTreeWithoutGitHonouringDockerignore() throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, String> contents = new LinkedHashMap<>();
        try (Checkout checkout = checkout();
             InputStream in = CheckoutTar.open(checkout, null, cache);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), e);
                if (e.isFile()) {
                    contents.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(entries.keySet()).containsExactly(".dockerignore", "Dockerfile", "escape", "link",
                "logs/keep.txt", "run.sh", "sub/", "sub/Dockerfile.dev", "sub/deep/");
        assertThat(entries.keySet()).noneMatch(name -> name.startsWith(".git/") || name.equals(".git"));
        assertThat(entries.get("run.sh").getMode() & 0777).isEqualTo(0755);
        assertThat(entries.get("Dockerfile").getMode() & 0777).isEqualTo(0644);
        assertThat(entries.get("link").isSymbolicLink()).isTrue();
        assertThat(entries.get("link").getLinkName()).isEqualTo("run.sh");
        assertThat(entries.get("escape").isSymbolicLink()).as("a link is sent as a link, never followed").isTrue();
        assertThat(entries.get("Dockerfile").getModTime().toInstant()).isEqualTo("1980-01-01T00:00:00Z");
        assertThat(contents.get("logs/keep.txt")).isEqualTo("kept\n");
        assertThat(contents.get("run.sh")).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(temporaryFiles()).as("the tar's temporary file goes when its stream is closed").isZero();
    }

    @Test
    void saysWhenThereIsNoDockerfileAtThePath() {
        try (Checkout checkout = checkout()) {
            String where = " in " + url + " at " + checkout.commit();
            assertThatThrownBy(() -> CheckoutTar.open(checkout, "nope/Dockerfile", cache))
                    .isInstanceOf(GitFailure.class).hasMessage("no Dockerfile at 'nope/Dockerfile'" + where);
            assertThatThrownBy(() -> CheckoutTar.open(checkout, "../Dockerfile", cache))
                    .isInstanceOf(GitFailure.class).hasMessage("no Dockerfile at '../Dockerfile'" + where);
            assertThatThrownBy(() -> CheckoutTar.open(checkout, "link", cache))
                    .as("a link is not a Dockerfile").isInstanceOf(GitFailure.class);
            assertThat(CheckoutTar.dockerfile(checkout, "./sub/Dockerfile.dev")).isEqualTo("sub/Dockerfile.dev");
        }
        assertThat(temporaryFiles()).isZero();
    }

    private static long temporaryFiles() {
        try (Stream<Path> list = Files.list(cache)) {
            return list.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
