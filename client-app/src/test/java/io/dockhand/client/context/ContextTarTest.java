package io.dockhand.client.context;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContextTarTest {
    @TempDir
    Path dir;

    private Path folder() throws IOException {
        Path root = dir.resolve("app");
        Files.createDirectories(root.resolve("src/deep"));
        Files.writeString(root.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\nCOPY . /app\n");
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("src/main.txt"), "main");
        Files.writeString(root.resolve("src/deep/" + "x".repeat(120) + ".txt"), "long name");
        Files.writeString(root.resolve("secret.env"), "TOKEN=1");
        Files.createDirectories(root.resolve("logs"));
        Files.writeString(root.resolve("logs/a.log"), "log");
        Files.writeString(root.resolve("logs/keep.log"), "keep");
        Files.writeString(root.resolve(".dockerignore"), "secret.env\nlogs\n!logs/keep.log\n");
        Files.writeString(dir.resolve("outside.txt"), "outside");
        Files.createSymbolicLink(root.resolve("link-out"), Path.of("../outside.txt"));
        Files.createSymbolicLink(root.resolve("src/link-in"), Path.of("main.txt"));
        return root;
    }

    private static byte[] tar(Path root, String dockerfile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContextTar.write(BuildContext.walk(root, dockerfile), out);
        return out.toByteArray();
    }

    private static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e);
            }
        }
        return entries;
    }

    @Test
    void theSameFolderGivesTheSameBytesWhateverItsTimes() throws Exception {
        Path root = folder();
        byte[] first = tar(root, "Dockerfile");
        Thread.sleep(1100);
        Files.setLastModifiedTime(root.resolve("src/main.txt"), FileTime.from(Instant.now()));
        Files.setLastModifiedTime(root.resolve("src"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        byte[] second = tar(root, "Dockerfile");

        assertThat(second).isEqualTo(first);
        Files.writeString(root.resolve("src/main.txt"), "changed");
        assertThat(tar(root, "Dockerfile")).isNotEqualTo(first);
    }

    @Test
    void entriesAreSortedOwnedByRootAndTimedAt1980() throws Exception {
        List<TarArchiveEntry> entries = entries(tar(folder(), "Dockerfile"));

        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly(
                ".dockerignore", "Dockerfile", "link-out", "logs/", "logs/keep.log", "run.sh", "src/", "src/deep/",
                "src/deep/" + "x".repeat(120) + ".txt", "src/link-in", "src/main.txt");
        for (TarArchiveEntry e : entries) {
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            assertThat(e.getGroupName()).isEmpty();
            assertThat(e.getLastModifiedTime().toInstant()).isEqualTo(ContextTar.EPOCH);
        }
    }

    @Test
    void keepsTheExecBitAndSymlinksAsLinksAndLeavesIgnoredFilesOut() throws Exception {
        List<TarArchiveEntry> entries = entries(tar(folder(), "Dockerfile"));

        TarArchiveEntry script = find(entries, "run.sh");
        assertThat(script.getMode() & 0777).isEqualTo(0755);
        assertThat(find(entries, "src/main.txt").getMode() & 0111).isZero();
        TarArchiveEntry out = find(entries, "link-out");
        assertThat(out.isSymbolicLink()).isTrue();
        assertThat(out.getLinkName()).isEqualTo("../outside.txt");
        assertThat(out.getSize()).isZero();
        assertThat(find(entries, "src/link-in").getLinkName()).isEqualTo("main.txt");
        assertThat(find(entries, "src/").isDirectory()).isTrue();
        assertThat(entries).extracting(TarArchiveEntry::getName)
                .doesNotContain("secret.env", "logs/a.log", "outside.txt");
    }

    @Test
    void theDockerfileAndIgnoreFileGoEvenWhenIgnored() throws Exception {
        Path root = folder();
        Files.createDirectories(root.resolve("build"));
        Files.writeString(root.resolve("build/Dockerfile.dev"), "FROM x\n");
        Files.writeString(root.resolve(".dockerignore"), "*\n");

        List<TarArchiveEntry> entries = entries(tar(root, "./build/Dockerfile.dev"));

        assertThat(entries).extracting(TarArchiveEntry::getName)
                .containsExactly(".dockerignore", "build/", "build/Dockerfile.dev");
        assertThat(BuildContext.walk(root, "./build/Dockerfile.dev").dockerfile()).isEqualTo("build/Dockerfile.dev");
    }

    @Test
    void refusesAMissingOrOutsideDockerfile() throws Exception {
        Path root = folder();
        assertThatThrownBy(() -> BuildContext.walk(root, "Nope")).hasMessageContaining("no Dockerfile at");
        assertThatThrownBy(() -> BuildContext.walk(root, "../outside.txt")).hasMessageContaining("not inside");
        assertThatThrownBy(() -> BuildContext.walk(root, "link-out")).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> BuildContext.walk(root.resolve("nothing"), "Dockerfile"))
                .hasMessageContaining("is not a folder");
        Files.writeString(root.resolve(".dockerignore"), "[oops\n");
        assertThatThrownBy(() -> BuildContext.walk(root, "Dockerfile")).hasMessageContaining("line 1");
    }

    @Test
    void contentsAreTheFiles() throws Exception {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar(folder(), "Dockerfile")))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals("logs/keep.log")) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("keep");
                    return;
                }
            }
        }
        throw new AssertionError("logs/keep.log is missing");
    }

    private static TarArchiveEntry find(List<TarArchiveEntry> entries, String name) {
        return entries.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
    }
}
