package io.dockhand.agent.work;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import io.dockhand.agent.work.GitCheckouts.Checkout;
import io.dockhand.agent.work.GitCheckouts.GitFailure;
import io.dockhand.api.context.DockerIgnore;

/**
 * A git checkout as a build context: a tar of its working tree without {@code .git}, leaving out what its
 * {@code .dockerignore} does (the Dockerfile and {@code .dockerignore} always go, as Docker sends them), written the
 * way the client writes an uploaded context (path order, owner 0:0, one fixed time, permission bits kept, symbolic
 * links as links, never followed). It is written to a temporary file beside the checkouts and streamed from there,
 * never held in memory; the file goes when the stream is closed.
 */
final class CheckoutTar {

    private static final Instant EPOCH = Instant.parse("1980-01-01T00:00:00Z");
    private static final String IGNORE_FILE = ".dockerignore";

    private CheckoutTar() {
    }

    /**
     * The checkout's context as a stream the caller closes.
     *
     * @param dockerfile the Dockerfile's path in the repository, null for {@code Dockerfile}
     * @throws GitFailure when there is no Dockerfile there, or the {@code .dockerignore} is malformed
     */
    static InputStream open(Checkout checkout, String dockerfile, Path tempDir) {
        return open(checkout, dockerfile, tempDir, Map.of());
    }

    /**
     * The checkout's context with files added at its root (a deployment preset's {@code Dockerfile.dockhand}),
     * which replace the checkout's files of the same names.
     *
     * @param added file name at the root → its text
     */
    static InputStream open(Checkout checkout, String dockerfile, Path tempDir, Map<String, String> added) {
        String asked = dockerfile == null || dockerfile.isBlank() ? "Dockerfile" : dockerfile;
        String path = added.containsKey(asked) ? asked : dockerfile(checkout, dockerfile);
        Path temp = tempDir.resolve(".tmp-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".tar");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 64 * 1024)) {
                write(checkout.dir(), path, ignore(checkout).keeping(IGNORE_FILE).keeping(path), added, out);
            }
            return new FilterInputStream(Files.newInputStream(temp)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                }
            };
        } catch (IOException | UncheckedIOException e) {
            GitCheckouts.deleteQuietly(temp);
            throw new GitFailure("cannot make the build context of " + checkout.repo() + " at " + checkout.commit()
                    + ": " + e.getMessage());
        }
    }

    /** The Dockerfile's path, cleaned, when the checkout has a file there. */
    static String dockerfile(Checkout checkout, String dockerfile) {
        String asked = dockerfile == null || dockerfile.isBlank() ? "Dockerfile" : dockerfile;
        String cleaned = DockerIgnore.clean(asked.replace('\\', '/'));
        boolean inside = !(cleaned.equals(".") || cleaned.startsWith("/") || cleaned.equals("..")
                || cleaned.startsWith("../") || cleaned.equals(".git") || cleaned.startsWith(".git/"));
        if (!inside || !Files.isRegularFile(checkout.dir().resolve(cleaned), LinkOption.NOFOLLOW_LINKS)) {
            throw new GitFailure("no Dockerfile at '" + asked + "' in " + checkout.repo() + " at "
                    + checkout.commit());
        }
        return cleaned;
    }

    private static DockerIgnore ignore(Checkout checkout) {
        Path file = checkout.dir().resolve(IGNORE_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return DockerIgnore.none();
        }
        try {
            return DockerIgnore.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new GitFailure("the " + e.getMessage() + ", in " + checkout.repo() + " at " + checkout.commit());
        }
    }

    /** Writes the tar of {@code root} (its {@code .git} left out) to {@code out}. */
    static void write(Path root, String dockerfile, DockerIgnore ignore, OutputStream out) throws IOException {
        write(root, dockerfile, ignore, Map.of(), out);
    }

    static void write(Path root, String dockerfile, DockerIgnore ignore, Map<String, String> added, OutputStream out)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        visit(root, "", ignore, added.keySet(), tar);
        for (Map.Entry<String, String> file : new java.util.TreeMap<>(added).entrySet()) {
            byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = entry(file.getKey(), TarConstants.LF_NORMAL, 0100644);
            entry.setSize(bytes.length);
            tar.putArchiveEntry(entry);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private static void visit(Path dir, String prefix, DockerIgnore ignore, java.util.Set<String> replaced,
                              TarArchiveOutputStream tar) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            list.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String path = prefix + child.getFileName();
            if (path.equals(".git") || replaced.contains(path)) {
                continue;
            }
            BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class,
                                                                  LinkOption.NOFOLLOW_LINKS);
            boolean ignored = ignore.ignores(path);
            if (attributes.isDirectory()) {
                if (!ignored) {
                    put(tar, entry(path + "/", TarConstants.LF_DIR, mode(child, 040000)));
                }
                if (!ignored || ignore.mayKeepUnder(path)) {
                    visit(child, path + "/", ignore, replaced, tar);
                }
            } else if (!ignored && attributes.isSymbolicLink()) {
                TarArchiveEntry link = entry(path, TarConstants.LF_SYMLINK, 0120777);
                link.setLinkName(Files.readSymbolicLink(child).toString());
                put(tar, link);
            } else if (!ignored && attributes.isRegularFile()) {
                TarArchiveEntry file = entry(path, TarConstants.LF_NORMAL, mode(child, 0100000));
                file.setSize(attributes.size());
                tar.putArchiveEntry(file);
                try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
                    long copied = in.transferTo(tar);
                    if (copied != attributes.size()) {
                        throw new IOException(path + " changed while it was read");
                    }
                }
                tar.closeArchiveEntry();
            }
        }
    }

    private static TarArchiveEntry entry(String path, byte type, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(path, type, true);
        entry.setMode(mode);
        entry.setIds(0, 0);
        entry.setNames("", "");
        entry.setLastModifiedTime(FileTime.from(EPOCH));
        return entry;
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry entry) throws IOException {
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    /** The type bits and the permission bits on disk (as git wrote them: 0755 or 0644 for a file). */
    private static int mode(Path path, int type) throws IOException {
        try {
            return type | ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return type | (type == 040000 || Files.isExecutable(path) ? 0755 : 0644);
        }
    }
}
