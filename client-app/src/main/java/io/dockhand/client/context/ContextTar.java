package io.dockhand.client.context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a {@link BuildContext} as a tar that depends only on the folder's paths, contents, modes and links: entries
 * in path order, owner 0:0 with no names, every time 1980-01-01T00:00:00Z, permission bits kept (the exec bit
 * included), symbolic links as links. The same folder gives the same bytes, hence the same digest.
 */
public final class ContextTar {
    /** The one time every entry carries. */
    public static final Instant EPOCH = Instant.parse("1980-01-01T00:00:00Z");

    private ContextTar() {
    }

    /**
     * Streams the context to {@code out}, which is left open.
     *
     * @throws IOException when a file cannot be read, or changed size while it was read
     */
    public static void write(BuildContext context, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new Unclosed(out), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (BuildContext.Entry entry : context.entries()) {
            TarArchiveEntry header = switch (entry.kind()) {
                case DIRECTORY -> new TarArchiveEntry(entry.path() + "/", TarConstants.LF_DIR, true);
                case SYMLINK -> {
                    TarArchiveEntry link = new TarArchiveEntry(entry.path(), TarConstants.LF_SYMLINK, true);
                    link.setLinkName(Files.readSymbolicLink(entry.file()).toString());
                    yield link;
                }
                case FILE -> new TarArchiveEntry(entry.path(), TarConstants.LF_NORMAL, true);
            };
            header.setMode(mode(entry));
            header.setIds(0, 0);
            header.setNames("", "");
            header.setLastModifiedTime(FileTime.from(EPOCH));
            if (entry.kind() != BuildContext.Kind.FILE) {
                tar.putArchiveEntry(header);
                tar.closeArchiveEntry();
                continue;
            }
            try (InputStream in = Files.newInputStream(entry.file(), LinkOption.NOFOLLOW_LINKS)) {
                long size = Files.size(entry.file());
                header.setSize(size);
                tar.putArchiveEntry(header);
                long copied = in.transferTo(new Bounded(tar, size));
                if (copied != size) {
                    throw new IOException(entry.file() + " changed while it was sent (" + size + " bytes, then "
                            + copied + ")");
                }
                tar.closeArchiveEntry();
            }
        }
        tar.finish();
        tar.flush();
    }

    /** The entry's type bits and its permission bits as they are on disk (0755/0644 where the disk has none). */
    private static int mode(BuildContext.Entry entry) throws IOException {
        int type = switch (entry.kind()) {
            case DIRECTORY -> TarArchiveEntry.DEFAULT_DIR_MODE & ~0777;
            case SYMLINK -> 0120000;
            case FILE -> TarArchiveEntry.DEFAULT_FILE_MODE & ~0777;
        };
        if (entry.kind() == BuildContext.Kind.SYMLINK) {
            return type | 0777;
        }
        try {
            Object unix = Files.getAttribute(entry.file(), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return type | ((Integer) unix & 07777);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(entry.file(),
                                                                                     LinkOption.NOFOLLOW_LINKS);
                int bits = 0;
                for (PosixFilePermission p : permissions) {
                    bits |= 1 << (8 - p.ordinal());
                }
                return type | bits;
            } catch (UnsupportedOperationException notPosix) {
                return type | (entry.kind() == BuildContext.Kind.DIRECTORY || Files.isExecutable(entry.file())
                        ? 0755 : 0644);
            }
        }
    }

    /** Passes at most {@code limit} bytes on, and tells the copy to stop there (a file that grew is cut). */
    private static final class Bounded extends OutputStream {
        private final OutputStream out;
        private long left;

        Bounded(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("a file grew while it was sent");
            }
            out.write(b, off, len);
            left -= len;
        }
    }

    /** Leaves the caller's stream open when the tar is finished. */
    private static final class Unclosed extends java.io.FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
