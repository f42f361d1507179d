package io.dockhand.server.runs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import io.dockhand.web.ProblemException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The apvs tool's upload: a zip of a folder becomes a build context tar. The zip goes to a temporary file first
 * (a zip's directory is at its end), is read entry by entry into a second temporary file, a tar, and both are
 * deleted afterwards: neither is held in memory. A zip whose entries all sit in one top folder has that folder as
 * its root ({@code __MACOSX/} entries are ignored). Entries are sorted by name with a fixed time, so the same
 * folder gives the same tar (and one stored context).
 */
final class ZipContexts {
    private static final long FIXED_MTIME = 315532800000L; // 1980-01-01T00:00:00Z

    private ZipContexts() {
    }

    static <T> T convert(InputStream body, long max, Function<InputStream, T> submit) throws IOException {
        Path zipFile = Files.createTempFile("dockhand-upload-", ".zip");
        Path tarFile = Files.createTempFile("dockhand-upload-", ".tar");
        try {
            copy(body, zipFile, max);
            if (Files.size(zipFile) == 0) {
                throw ContextIntake.invalid("The body is empty: send the raw bytes of a zip of the folder.");
            }
            toTar(zipFile, tarFile, max);
            try (InputStream tar = Files.newInputStream(tarFile)) {
                return submit.apply(tar);
            }
        } finally {
            Files.deleteIfExists(zipFile);
            Files.deleteIfExists(tarFile);
        }
    }

    private static void copy(InputStream body, Path file, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = body.read(buf)) > 0; ) {
                total += n;
                if (total > max) {
                    throw tooLarge(max);
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static ProblemException tooLarge(long max) {
        return new ProblemException(413, "context-too-large", "Payload too large", "The folder is larger than this"
                + " store accepts (" + max + " bytes, store.runs.maxcontext).");
    }

    private static void toTar(Path zipPath, Path tarPath, long max) {
        try (ZipFile zip = ZipFile.builder().setPath(zipPath).get()) {
            List<ZipArchiveEntry> entries = new ArrayList<>();
            for (var e = zip.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                String name = ContextIntake.normalise(entry.getName());
                if (name.isEmpty() || name.equals("__MACOSX") || name.startsWith("__MACOSX/")) {
                    continue;
                }
                if (("/" + name + "/").contains("/../") || name.indexOf('\0') >= 0) {
                    throw ContextIntake.invalid("The zip holds an entry outside its folder: '"
                            + Texts.printable(name, 100) + "'.");
                }
                entries.add(entry);
            }
            if (entries.isEmpty()) {
                throw ContextIntake.invalid("The zip holds no file.");
            }
            entries.sort(Comparator.comparing(e -> ContextIntake.normalise(e.getName())));
            String root = root(entries);
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tarPath))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (ZipArchiveEntry entry : entries) {
                    String name = ContextIntake.normalise(entry.getName());
                    if (!root.isEmpty()) {
                        if (name.equals(root)) {
                            continue;
                        }
                        name = name.substring(root.length() + 1);
                    }
                    int unix = entry.getUnixMode() & 0777;
                    if (entry.isDirectory()) {
                        TarArchiveEntry dir = new TarArchiveEntry(name + "/");
                        dir.setMode(040000 | (unix == 0 ? 0755 : unix));
                        dir.setModTime(FIXED_MTIME);
                        tar.putArchiveEntry(dir);
                        tar.closeArchiveEntry();
                        continue;
                    }
                    if (entry.isUnixSymlink()) {
                        continue; // a link in a zip is not followed; Docker would not see outside the folder anyway
                    }
                    long size = entry.getSize();
                    if (size < 0 || total + size > max) {
                        throw size < 0 ? ContextIntake.invalid("The zip does not say the size of '"
                                + Texts.printable(name, 100) + "'.") : tooLarge(max);
                    }
                    total += size;
                    TarArchiveEntry file = new TarArchiveEntry(name);
                    file.setSize(size);
                    file.setMode(0100000 | (unix == 0 ? 0644 : unix));
                    file.setModTime(FIXED_MTIME);
                    tar.putArchiveEntry(file);
                    long copied = 0;
                    try (InputStream in = zip.getInputStream(entry)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            if (copied + n > size) {
                                throw ContextIntake.invalid("The zip entry '" + Texts.printable(name, 100)
                                        + "' holds more than its stated size.");
                            }
                            tar.write(buf, 0, n);
                            copied += n;
                        }
                    }
                    if (copied != size) {
                        throw ContextIntake.invalid("The zip entry '" + Texts.printable(name, 100)
                                + "' is shorter than its stated size.");
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
        } catch (ProblemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ContextIntake.invalid("The body is not a valid zip archive: "
                    + Texts.printable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 200));
        }
    }

    /** The one top folder every entry sits in, or "" when they do not share one. */
    private static String root(List<ZipArchiveEntry> entries) {
        String root = null;
        for (ZipArchiveEntry entry : entries) {
            String name = ContextIntake.normalise(entry.getName());
            int slash = name.indexOf('/');
            String top = slash < 0 ? name : name.substring(0, slash);
            if (slash < 0 && !entry.isDirectory()) {
                return ""; // a file at the top
            }
            if (root == null) {
                root = top;
            } else if (!root.equals(top)) {
                return "";
            }
        }
        return root == null ? "" : root;
    }

}
