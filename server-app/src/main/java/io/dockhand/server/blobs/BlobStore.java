package io.dockhand.server.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import io.dockhand.server.db.Micros;
import io.dockhand.server.db.Transactions;
import io.dockhand.web.ProblemException;

/**
 * Content-addressed blobs (build contexts) in the database, in chunk rows of at most {@link #CHUNK} bytes. A blob
 * is written as it streams in (under its own key {@code upload:<uuid>}) while its sha256 is computed; once
 * complete a {@code blobs} row names those chunks by the digest {@code sha256:<hex>}, or they are dropped when a
 * blob with that digest is stored already: the same content is stored once. Chunks are never rewritten (a rename
 * would copy the whole blob inside one transaction), and nothing holds a blob whole in memory.
 */
public final class BlobStore {
    /** The largest chunk row. */
    public static final int CHUNK = 1024 * 1024;
    private static final String UPLOAD = "upload:";
    private static final HexFormat HEX = HexFormat.of();

    private final Transactions transactions;
    private final Clock clock;

    public BlobStore(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    /** A stored blob: its digest and size. */
    public record Blob(String digest, long size) {
    }

    /**
     * A blob being written: {@link #write} its bytes in order, then {@link #finish} it; {@link #abort} drops what
     * was written (call it when anything fails before finish).
     */
    public final class Upload {
        private final String key = UPLOAD + UUID.randomUUID();
        private final MessageDigest sha256;
        private final byte[] buffer = new byte[CHUNK];
        private int filled;
        private int chunks;
        private long size;
        private boolean done;

        private Upload() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Adds bytes; full chunks go to the database as they fill. */
        public void write(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
            size += length;
            while (length > 0) {
                int n = Math.min(length, CHUNK - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == CHUNK) {
                    flush();
                }
            }
        }

        /** Bytes written so far. */
        public long size() {
            return size;
        }

        private void flush() {
            if (filled == 0) {
                return;
            }
            byte[] data = filled == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, filled);
            int idx = chunks;
            long now = Micros.of(clock.instant());
            transactions.run(c -> {
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM blob_chunks WHERE blob_key = ? AND idx = ?")) {
                    delete.setString(1, key);
                    delete.setInt(2, idx);
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO blob_chunks (blob_key, idx, data, created_us) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, key);
                    insert.setInt(2, idx);
                    insert.setBytes(3, data);
                    insert.setLong(4, now);
                    insert.executeUpdate();
                }
                return null;
            });
            chunks++;
            filled = 0;
        }

        /** Stores the rest and names the blob by its digest; a blob with that digest already there is reused. */
        public Blob finish() {
            flush();
            String digest = "sha256:" + HEX.formatHex(sha256.digest());
            long now = Micros.of(clock.instant());
            transactions.run(c -> {
                // Touch first: a blob deleted by retention meanwhile touches nothing, and is stored again below.
                int touched;
                try (PreparedStatement touch = c.prepareStatement(
                        "UPDATE blobs SET last_used_us = ? WHERE digest = ?")) {
                    touch.setLong(1, now);
                    touch.setString(2, digest);
                    touched = touch.executeUpdate();
                }
                if (touched == 1) {
                    // a retry after a lost commit acknowledgement finds the row its first attempt inserted, which
                    // names these very chunks: they stay
                    try (PreparedStatement drop = c.prepareStatement("DELETE FROM blob_chunks WHERE blob_key = ?"
                            + " AND NOT EXISTS (SELECT 1 FROM blobs WHERE chunks_key = ?)")) {
                        drop.setString(1, key);
                        drop.setString(2, key);
                        drop.executeUpdate();
                    }
                } else {
                    try (PreparedStatement count = c.prepareStatement(
                            "SELECT COUNT(*) FROM blob_chunks WHERE blob_key = ?")) {
                        count.setString(1, key);
                        try (ResultSet rs = count.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) != chunks) {
                                throw new ProblemException(503, "upload-interrupted", "Service unavailable",
                                        "Part of the upload is no longer stored (" + rs.getInt(1) + " of " + chunks
                                        + " chunks); send it again.");
                            }
                        }
                    }
                    // a concurrent upload of the same content inserting first is a duplicate key: the retry touches
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO blobs (digest, chunks_key, "
                            + "size_bytes, chunks, created_us, last_used_us) VALUES (?, ?, ?, ?, ?, ?)")) {
                        insert.setString(1, digest);
                        insert.setString(2, key);
                        insert.setLong(3, size);
                        insert.setInt(4, chunks);
                        insert.setLong(5, now);
                        insert.setLong(6, now);
                        insert.executeUpdate();
                    }
                }
                return null;
            });
            done = true;
            return new Blob(digest, size);
        }

        /** Drops the chunks written so far. */
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                transactions.run(c -> {
                    try (PreparedStatement drop = c.prepareStatement("DELETE FROM blob_chunks WHERE blob_key = ?")) {
                        drop.setString(1, key);
                        return drop.executeUpdate();
                    }
                });
            } catch (RuntimeException e) {
                System.getLogger(BlobStore.class.getName()).log(System.Logger.Level.WARNING,
                        "Could not drop an aborted upload's chunks; housekeeping will", e);
            }
        }
    }

    /** Starts writing a blob. */
    public Upload upload() {
        return new Upload();
    }

    /** The blob's size and chunk count, if stored. */
    public Optional<long[]> describe(String digest) {
        return transactions.run(c -> {
            try (PreparedStatement find = c.prepareStatement("SELECT size_bytes, chunks FROM blobs WHERE digest = ?")) {
                find.setString(1, digest);
                try (ResultSet rs = find.executeQuery()) {
                    return rs.next() ? Optional.of(new long[] {rs.getLong(1), rs.getLong(2)}) : Optional.empty();
                }
            }
        });
    }

    /** Writes the blob's bytes to {@code out}, a chunk at a time, and marks it used now. */
    public void copy(String digest, int chunks, OutputStream out) throws IOException {
        long now = Micros.of(clock.instant());
        transactions.run(c -> {
            try (PreparedStatement touch = c.prepareStatement("UPDATE blobs SET last_used_us = ? WHERE digest = ?")) {
                touch.setLong(1, now);
                touch.setString(2, digest);
                return touch.executeUpdate();
            }
        });
        for (int i = 0; i < chunks; i++) {
            int idx = i;
            byte[] data = transactions.run(c -> {
                try (PreparedStatement read = c.prepareStatement(
                        "SELECT k.data FROM blobs b JOIN blob_chunks k ON k.blob_key = b.chunks_key"
                        + " WHERE b.digest = ? AND k.idx = ?")) {
                    read.setString(1, digest);
                    read.setInt(2, idx);
                    try (ResultSet rs = read.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("chunk " + idx + " of " + digest + " is missing", "XX000");
                        }
                        return rs.getBytes(1);
                    }
                }
            });
            out.write(data);
        }
    }

    /**
     * Deletes blobs no unfinished run refers to and unused for {@code retention}, and chunks of uploads that
     * were abandoned (no chunk written) more than an hour ago; answers how many blobs were deleted.
     */
    public int deleteUnused(Duration retention) {
        long cutoff = Micros.of(clock.instant().minus(retention));
        long abandoned = Micros.of(clock.instant().minus(Duration.ofHours(1)));
        return transactions.run(c -> {
            // an upload still being written has a recent chunk: only keys whose newest chunk is old go
            try (PreparedStatement chunks = c.prepareStatement("DELETE FROM blob_chunks WHERE blob_key IN (SELECT"
                    + " k.blob_key FROM blob_chunks k GROUP BY k.blob_key HAVING MAX(k.created_us) < ?) AND"
                    + " NOT EXISTS (SELECT 1 FROM blobs b WHERE b.chunks_key = blob_chunks.blob_key)")) {
                chunks.setLong(1, abandoned);
                chunks.executeUpdate();
            }
            String unused = "SELECT b.digest FROM blobs b WHERE b.last_used_us < ? AND NOT EXISTS (SELECT 1 FROM runs r"
                    + " WHERE r.context = b.digest AND r.state IN ('queued', 'assigned', 'building', 'running'))";
            java.util.List<String> digests = new java.util.ArrayList<>();
            try (PreparedStatement find = c.prepareStatement(unused)) {
                find.setLong(1, cutoff);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        digests.add(rs.getString(1));
                    }
                }
            }
            int deleted = 0;
            for (String digest : digests) {
                // conditional: an upload of the same content that touched it meanwhile keeps it
                String key = null;
                try (PreparedStatement find = c.prepareStatement("SELECT chunks_key FROM blobs WHERE digest = ?")) {
                    find.setString(1, digest);
                    try (ResultSet rs = find.executeQuery()) {
                        key = rs.next() ? rs.getString(1) : null;
                    }
                }
                try (PreparedStatement blob = c.prepareStatement("DELETE FROM blobs WHERE digest = ? AND"
                        + " last_used_us < ?");
                     PreparedStatement chunks = c.prepareStatement("DELETE FROM blob_chunks WHERE blob_key = ?")) {
                    blob.setString(1, digest);
                    blob.setLong(2, cutoff);
                    if (key != null && blob.executeUpdate() == 1) {
                        chunks.setString(1, key);
                        chunks.executeUpdate();
                        deleted++;
                    }
                }
            }
            return deleted;
        });
    }

    /** Reads an input stream to its end into an upload; for tests and small inputs. */
    static void drain(InputStream in, Upload upload) {
        byte[] buf = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                upload.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
