package io.dockhand.server.runs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.dockhand.server.blobs.BlobStore;
import io.dockhand.web.ProblemException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a build context (a tar) as it streams in: every byte goes to the blob being stored, the tar is parsed on
 * the way (a corrupt one is refused), the Dockerfile is looked for, and the size limit is enforced as the bytes
 * arrive. Nothing is held whole in memory.
 */
final class ContextIntake {
    private ContextIntake() {
    }

    /** Thrown through the tar reader when the body passes the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("too large");
        }
    }

    /** Thrown through the tar reader when reading the request itself failed (the client went away). */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The body, copied into an upload as it is read. */
    private static final class Capture extends FilterInputStream {
        private final BlobStore.Upload upload;
        private final long max;
        private final TarHeaders headers = new TarHeaders();

        Capture(InputStream in, BlobStore.Upload upload, long max) {
            super(in);
            this.upload = upload;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw new ClientGone(e);
            } catch (java.io.UncheckedIOException e) {
                throw new ClientGone(e.getCause());
            }
            if (n > 0) {
                if (upload.size() + n > max) {
                    throw new TooLarge();
                }
                upload.write(b, off, n);
                headers.accept(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /**
     * Reads the whole tar from {@code body} into {@code upload}, checking it holds {@code dockerfile}.
     *
     * @throws ProblemException 413 {@code context-too-large}, 400 {@code invalid-context},
     *                          422 {@code dockerfile-missing}
     */
    static void read(InputStream body, BlobStore.Upload upload, long max, String dockerfile) {
        String wanted = normalise(dockerfile);
        Capture capture = new Capture(body, upload, max);
        boolean found = false;
        int entries = 0;
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(capture);
            byte[] buf = new byte[64 * 1024];
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries++;
                if (!entry.isDirectory() && normalise(entry.getName()).equals(wanted)) {
                    found = true;
                }
                while (tar.read(buf) > 0) {
                    // the entry's bytes go to the blob through the capture
                }
            }
            // the rest (end-of-archive blocks, record padding): stored too, so the blob is the exact body
            while (capture.read(buf, 0, buf.length) > 0) {
                // drained into the blob
            }
        } catch (TooLarge e) {
            throw new ProblemException(413, "context-too-large", "Payload too large", "The build context is larger"
                    + " than this store accepts (" + max + " bytes, store.runs.maxcontext).");
        } catch (TarHeaders.MetadataTooLarge e) {
            throw invalid("The build context holds " + e.getMessage() + ".");
        } catch (ClientGone e) {
            throw new java.io.UncheckedIOException(e.getCause() instanceof IOException io ? io : e);
        } catch (IOException | RuntimeException e) {
            throw invalid("The body is not a valid tar archive: " + message(e));
        }
        if (upload.size() == 0) {
            throw invalid("The body is empty: send the build context as a tar archive.");
        }
        if (entries == 0) {
            throw invalid("The body is not a tar archive (no entry was found in it).");
        }
        if (!found) {
            throw new ProblemException(422, "dockerfile-missing", "Unprocessable content", "The build context has no"
                    + " file '" + wanted + "' (the dockerfile parameter names the Dockerfile's path in the context).");
        }
    }

    static ProblemException invalid(String detail) {
        return ProblemException.badRequest("invalid-context", detail);
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return io.dockhand.server.runs.Texts.printable(m, 200);
    }

    /** A path inside a context as Docker reads it: no leading {@code ./} or {@code /}, no trailing {@code /}. */
    static String normalise(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./") || p.startsWith("/")) {
            p = p.startsWith("./") ? p.substring(2) : p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.replaceAll("/+", "/").replace("/./", "/");
    }
}
