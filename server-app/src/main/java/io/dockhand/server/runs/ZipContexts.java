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

    /** The most entries a zip may hold: its central directory is read into memory whole. */
    static final int MAX_ENTRIES = 100_000;

    /**
     * Counts the zip's central directory records from the end-of-central-directory record (Zip64 too) before the
     * zip reader loads them all, and refuses more than {@link #MAX_ENTRIES}. A zip this cannot read is left to
     * the zip reader to refuse.
     */
    static void checkEntryCount(Path zipPath) throws IOException {
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(zipPath)) {
            long size = file.size();
            int tail = (int) Math.min(size, 22 + 65535);
            java.nio.ByteBuffer end = java.nio.ByteBuffer.allocate(tail).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            file.read(end, size - tail);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == 0x06054b50) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                return;
            }
            long count = end.getShort(eocd + 10) & 0xffff;
            long cdSize = end.getInt(eocd + 12) & 0xffffffffL;
            long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
            if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
                long locator = size - tail + eocd - 20;
                java.nio.ByteBuffer loc = java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (locator < 0 || file.read(loc, locator) != 20 || loc.getInt(0) != 0x07064b50) {
                    return;
                }
                java.nio.ByteBuffer z64 = java.nio.ByteBuffer.allocate(56).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (file.read(z64, loc.getLong(8)) != 56 || z64.getInt(0) != 0x06064b50) {
                    return;
                }
                count = z64.getLong(32);
                cdSize = z64.getLong(40);
                cdOffset = z64.getLong(48);
            }
            if (count > MAX_ENTRIES) {
                throw tooManyEntries(count);
            }
            // the records themselves, as the zip reader walks them (the count above may understate them)
            java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(46).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long at = cdOffset;
            long records = 0;
            while (at + 46 <= size) {
                record.clear();
                if (file.read(record, at) != 46 || record.getInt(0) != 0x02014b50) {
                    break;
                }
                if (++records > MAX_ENTRIES) {
                    throw tooManyEntries(records);
                }
                at += 46L + (record.getShort(28) & 0xffff) + (record.getShort(30) & 0xffff)
                        + (record.getShort(32) & 0xffff);
            }
        }
    }

    private static ProblemException tooManyEntries(long count) {
        return ContextIntake.invalid("The zip holds more than " + MAX_ENTRIES + " entries (" + count + " or more).");
    }

    private static void toTar(Path zipPath, Path tarPath, long max) {
        try {
            checkEntryCount(zipPath);
        } catch (IOException e) {
            throw ContextIntake.invalid("The body is not a valid zip archive: "
                    + Texts.printable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 200));
        }
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
