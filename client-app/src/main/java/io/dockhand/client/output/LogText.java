package io.dockhand.client.output;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A run's log, printed as its bytes arrive: decoded as UTF-8 across pieces (a character split between two reads,
 * or two connections, comes out whole), lines kept, tabs kept, {@code \r\n} as a newline and a lone {@code \r} as
 * one too, and everything else a terminal would act on (escape sequences, bidi overrides) shown as a visible
 * escape, as {@link SafeText} does.
 */
public final class LogText {
    private final PrintWriter out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] leftover = new byte[0];
    private boolean carriageReturn;

    /** Log text for {@code out}. */
    public LogText(PrintWriter out) {
        this.out = out;
    }

    /** Prints a piece of the log and flushes. */
    public void write(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.allocate(leftover.length + length);
        in.put(leftover).put(bytes, offset, length).flip();
        CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, chars, false);
        leftover = new byte[in.remaining()];
        in.get(leftover);
        chars.flip();
        StringBuilder safe = new StringBuilder(chars.length() + 16);
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (carriageReturn) {
                carriageReturn = false;
                safe.append('\n');
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\r') {
                carriageReturn = true;
            } else if (c == '\n' || c == '\t' || !SafeText.unsafe(c)) {
                safe.append(c);
            } else {
                safe.append(SafeText.visible(c));
            }
        }
        out.print(safe);
        out.flush();
    }

    /** Ends the log: a pending {@code \r} or a character cut short is printed; the last line is left as it is. */
    public void finish() {
        StringBuilder rest = new StringBuilder();
        if (carriageReturn) {
            rest.append('\n');
            carriageReturn = false;
        }
        if (leftover.length > 0) {
            rest.append('\ufffd');
            leftover = new byte[0];
        }
        out.print(rest);
        out.flush();
    }
}
