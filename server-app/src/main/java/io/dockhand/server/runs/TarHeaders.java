package io.dockhand.server.runs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Follows a tar's 512-byte headers in the bytes as they stream past, before the tar reader sees them, and refuses
 * a metadata entry (GNU long name 'L' or long link 'K', PAX 'x' or 'g') larger than {@link #MAX_METADATA}: the
 * reader would hold it whole in memory. It tracks entry sizes as the reader does, PAX {@code size} records
 * included, and old GNU sparse headers' extension blocks.
 */
final class TarHeaders {
    static final int MAX_METADATA = 64 * 1024;
    private static final int BLOCK = 512;

    /** Thrown through the tar reader for a metadata entry too large. */
    static final class MetadataTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        MetadataTooLarge(String message) {
            super(message);
        }
    }

    private enum Expect { HEADER, EXTENSION, DATA, PAX }

    private Expect expect = Expect.HEADER;
    private final byte[] block = new byte[BLOCK];
    private int filled;
    /** Bytes of the current entry's data (and padding) still to pass. */
    private long remaining;
    /** A PAX header's records, gathered to read its size record. */
    private byte[] pax;
    private int paxFilled;
    private boolean paxGlobal;
    private Long nextSize;
    private Long globalSize;
    private boolean lost;

    /** Watches the bytes; throws when a metadata entry is too large. */
    void accept(byte[] bytes, int offset, int length) throws IOException {
        int i = offset;
        int end = offset + length;
        while (i < end && !lost) {
            if (expect == Expect.DATA) {
                long n = Math.min(remaining, end - i);
                i += (int) n;
                remaining -= n;
                if (remaining == 0) {
                    expect = Expect.HEADER;
                }
            } else if (expect == Expect.PAX) {
                int n = (int) Math.min(remaining, end - i);
                int keep = Math.min(n, pax.length - paxFilled);
                System.arraycopy(bytes, i, pax, paxFilled, keep);
                paxFilled += keep;
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    paxDone();
                    expect = Expect.HEADER;
                }
            } else {
                int n = Math.min(BLOCK - filled, end - i);
                System.arraycopy(bytes, i, block, filled, n);
                filled += n;
                i += n;
                if (filled == BLOCK) {
                    filled = 0;
                    if (expect == Expect.EXTENSION) {
                        extension();
                    } else {
                        header();
                    }
                }
            }
        }
    }

    private void header() throws IOException {
        if (allZero()) {
            return; // an end-of-archive block
        }
        long size = size();
        if (size < 0) {
            lost = true; // not a header this watcher reads: the tar reader will say what is wrong
            return;
        }
        char type = (char) block[156];
        boolean metadata = type == 'L' || type == 'K' || type == 'x' || type == 'g' || type == 'X';
        if (metadata && size > MAX_METADATA) {
            throw new MetadataTooLarge("a tar metadata entry (type '" + type + "') of " + size
                    + " bytes; at most " + MAX_METADATA + " are accepted");
        }
        if (!metadata) {
            if (nextSize != null) {
                size = nextSize;
            } else if (globalSize != null) {
                size = globalSize;
            }
            nextSize = null;
        }
        remaining = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (type == 'x' || type == 'X' || type == 'g') {
            pax = new byte[(int) size];
            paxFilled = 0;
            paxGlobal = type == 'g';
            remaining = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (remaining == 0) {
                paxDone();
            } else {
                expect = Expect.PAX;
            }
            return;
        }
        if (type == 'S' && block[482] != 0) {
            expect = Expect.EXTENSION;
            return;
        }
        expect = remaining == 0 ? Expect.HEADER : Expect.DATA;
    }

    private void extension() {
        if (block[504] == 0) {
            expect = remaining == 0 ? Expect.HEADER : Expect.DATA;
        }
    }

    private void paxDone() {
        String text = new String(pax, 0, paxFilled, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (space > 0 && eq > space && line.substring(space + 1, eq).equals("size")) {
                try {
                    long value = Long.parseLong(line.substring(eq + 1).strip());
                    if (paxGlobal) {
                        globalSize = value;
                    } else {
                        nextSize = value;
                    }
                } catch (NumberFormatException e) {
                    lost = true;
                }
            }
        }
        pax = null;
    }

    private boolean allZero() {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header's size field: octal, or base-256 when its first byte has the high bit; -1 when unreadable. */
    private long size() {
        if ((block[124] & 0x80) != 0) {
            long value = 0;
            for (int i = 125; i < 136; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    return Long.MAX_VALUE;
                }
                value = (value << 8) | (block[i] & 0xff);
            }
            return value;
        }
        long value = 0;
        boolean digits = false;
        for (int i = 124; i < 136; i++) {
            byte b = block[i];
            if (b == 0 || b == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                return -1;
            }
            digits = true;
            value = value * 8 + (b - '0');
        }
        return value;
    }
}
