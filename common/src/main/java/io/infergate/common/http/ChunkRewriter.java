package io.infergate.common.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rewrites the bytes a client sends on one HTTP/1.1 connection so that Helidon 4.5.0's chunked
 * parser can read what RFC 9112 allows: chunk extensions ({@code 5;name=value}) are removed from
 * chunk-size lines (section 7.1.1: a recipient ignores unrecognized extensions) and trailer fields
 * after the last chunk are dropped (section 7.1.2 allows discarding them). Helidon rejects both
 * (ADR 0011); everything else passes through byte for byte.
 *
 * <p>It follows the request framing itself (request line and header section, then a body by
 * {@code Content-Length} or {@code Transfer-Encoding}) and rewrites only while it is sure Helidon
 * frames the message the same way. On anything it does not understand (a bare LF, a folded or
 * malformed header line, both or repeated length headers, a bad chunk size or extension) it stops
 * rewriting for the rest of the connection and passes the bytes on unchanged: Helidon then rejects
 * them as before (400 and close), which is safe. One check Helidon lacks is added: the two bytes
 * after chunk data must be CRLF (Helidon skips them unchecked, so a chunk longer than its size was
 * read on from inside its data); if they are not, an invalid chunk-size line is injected after them
 * so that Helidon answers 400 and closes.
 *
 * <p>Bounds: a chunk-size line longer than {@value #MAX_CHUNK_LINE} bytes, or a trailer section
 * longer than {@value #MAX_TRAILERS} bytes, is passed on unchanged (and rejected by Helidon).
 * Not thread-safe: one instance per connection, used by its reading thread.
 */
final class ChunkRewriter {

    static final int MAX_CHUNK_LINE = 4096;
    static final int MAX_TRAILERS = 16 * 1024;
    /** Longest header line whose name and value are inspected (longer ones are neither TE nor CL). */
    private static final int MAX_INSPECTED_LINE = 256;
    /** Injected where chunk data was not followed by CRLF: not a chunk size, so Helidon answers 400. */
    private static final byte[] INVALID_SIZE_LINE = "invalid-chunk-framing\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        HEAD,
        FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        PASS
    }

    private State state = State.HEAD;
    /** The current line of the header section, as far as it is inspected. */
    private final byte[] headLine = new byte[MAX_INSPECTED_LINE];

    private int headLength;
    private boolean headLineTooLong;
    private boolean requestLineSeen;
    private byte previous;
    private boolean chunked;
    private long contentLength = -1;
    private long remaining;
    /** A chunk-size line or trailer line being collected (held back until it is complete). */
    private ByteArrayOutputStream held;

    private int trailerBytes;
    private int chunkEndSeen;
    private final byte[] chunkEnd = new byte[2];

    /** Whether the rewriter has given up and passes everything through unchanged. */
    boolean passing() {
        return state == State.PASS;
    }

    /**
     * The bytes to hand to Helidon for {@code in} (the next bytes from the socket): {@code in}
     * itself when nothing changed, possibly empty when all of it is held back or dropped.
     */
    byte[] rewrite(byte[] in) {
        if (state == State.PASS) {
            return in;
        }
        Output out = new Output(in);
        int i = 0;
        while (i < in.length && state != State.PASS) {
            i = switch (state) {
                case HEAD -> head(in, i, out);
                case FIXED -> fixed(in, i, out);
                case CHUNK_SIZE -> chunkSize(in, i, out);
                case CHUNK_DATA -> chunkData(in, i, out);
                case CHUNK_END -> chunkEnd(in, i, out);
                case TRAILERS -> trailers(in, i, out);
                case PASS -> i;
            };
        }
        if (i < in.length) {
            out.copy(i, in.length - i);
        }
        return out.result();
    }

    /** Passes the header section through, noting the length headers; returns the next index. */
    private int head(byte[] in, int i, Output out) {
        int start = i;
        while (i < in.length) {
            byte b = in[i++];
            if (b == '\n') {
                boolean crlf = previous == '\r';
                previous = b;
                out.copy(start, i - start);
                if (!crlf) {
                    return giveUp(i);
                }
                endOfHeadLine();
                return i;
            }
            if (headLength < MAX_INSPECTED_LINE) {
                headLine[headLength++] = b;
            } else {
                headLineTooLong = true;
            }
            previous = b;
        }
        out.copy(start, i - start);
        return i;
    }

    private void endOfHeadLine() {
        int len = headLength - 1; // without the CR
        boolean tooLong = headLineTooLong;
        headLength = 0;
        headLineTooLong = false;
        if (!requestLineSeen) {
            // the request line (empty lines before it, which RFC 9112 lets a server skip, carry no framing)
            requestLineSeen = len > 0 || tooLong;
            return;
        }
        if (len == 0 && !tooLong) {
            endOfHead();
            return;
        }
        byte first = headLine[0];
        if (first == ' ' || first == '\t') {
            state = State.PASS; // obs-fold: Helidon rejects it; never guess
            return;
        }
        if (first != 't' && first != 'T' && first != 'c' && first != 'C') {
            return; // neither Transfer-Encoding nor Content-Length
        }
        String line = new String(headLine, 0, Math.min(len, MAX_INSPECTED_LINE - 1), StandardCharsets.ISO_8859_1);
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        if (name.equalsIgnoreCase("transfer-encoding")) {
            chunked = true; // Helidon takes any Transfer-Encoding as chunked or rejects the request
        } else if (name.equalsIgnoreCase("content-length")) {
            long value = tooLong ? -1 : digits(line.substring(colon + 1).strip());
            if (value < 0 || contentLength >= 0) {
                state = State.PASS; // invalid or repeated: Helidon rejects it or reads it its own way
                return;
            }
            contentLength = value;
        }
    }

    private void endOfHead() {
        boolean isChunked = chunked;
        long length = contentLength;
        chunked = false;
        contentLength = -1;
        requestLineSeen = false;
        if (isChunked && length >= 0) {
            state = State.PASS; // Helidon refuses both (400 and close)
        } else if (isChunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            remaining = length;
            state = State.FIXED;
        }
    }

    private int fixed(byte[] in, int i, Output out) {
        int n = (int) Math.min(remaining, in.length - i);
        out.copy(i, n);
        remaining -= n;
        if (remaining == 0) {
            state = State.HEAD;
        }
        return i + n;
    }

    private int chunkData(byte[] in, int i, Output out) {
        int n = (int) Math.min(remaining, in.length - i);
        out.copy(i, n);
        remaining -= n;
        if (remaining == 0) {
            state = State.CHUNK_END;
            chunkEndSeen = 0;
        }
        return i + n;
    }

    /** The two bytes after chunk data: CRLF, else an invalid size line follows them. */
    private int chunkEnd(byte[] in, int i, Output out) {
        while (chunkEndSeen < 2 && i < in.length) {
            chunkEnd[chunkEndSeen++] = in[i++];
        }
        if (chunkEndSeen < 2) {
            out.skipped(); // held back until both are here
            return i;
        }
        out.skipped();
        out.insert(chunkEnd);
        if (chunkEnd[0] == '\r' && chunkEnd[1] == '\n') {
            state = State.CHUNK_SIZE;
        } else {
            out.insert(INVALID_SIZE_LINE);
            state = State.PASS;
        }
        return i;
    }

    /** Collects a chunk-size line and hands it on without its extensions. */
    private int chunkSize(byte[] in, int i, Output out) {
        int lf = indexOf(in, i, (byte) '\n');
        int end = lf < 0 ? in.length : lf + 1;
        hold(in, i, end - i);
        out.skipped();
        if (lf < 0) {
            if (held.size() > MAX_CHUNK_LINE) {
                releaseHeld(out);
            }
            return end;
        }
        byte[] line = held.toByteArray();
        held = null;
        long size = line.length >= 2 && line[line.length - 2] == '\r' ? chunkSizeOf(line, line.length - 2) : -1;
        if (size < 0) {
            out.insert(line);
            state = State.PASS;
            return end;
        }
        out.insert(sizeLine(line));
        if (size == 0) {
            state = State.TRAILERS;
            trailerBytes = 0;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return end;
    }

    /** Drops trailer field lines up to the empty line that ends the message. */
    private int trailers(byte[] in, int i, Output out) {
        int lf = indexOf(in, i, (byte) '\n');
        int end = lf < 0 ? in.length : lf + 1;
        hold(in, i, end - i);
        out.skipped();
        trailerBytes += end - i;
        if (lf < 0) {
            if (trailerBytes > MAX_TRAILERS) {
                releaseHeld(out);
            }
            return end;
        }
        byte[] line = held.toByteArray();
        held = null;
        boolean crlf = line.length >= 2 && line[line.length - 2] == '\r';
        if (crlf && line.length == 2) {
            out.insert(line); // the end of the message
            state = State.HEAD;
            return end;
        }
        if (!crlf || !isFieldLine(line, line.length - 2) || trailerBytes > MAX_TRAILERS) {
            out.insert(line); // Helidon sees a non-empty line after the last chunk: 400
            state = State.PASS;
        }
        return end;
    }

    private void hold(byte[] in, int from, int n) {
        if (held == null) {
            held = new ByteArrayOutputStream(64);
        }
        held.write(in, from, n);
    }

    private void releaseHeld(Output out) {
        out.insert(held.toByteArray());
        held = null;
        state = State.PASS;
    }

    private int giveUp(int i) {
        state = State.PASS;
        return i;
    }

    /**
     * {@code chunk-size [ chunk-ext ]} (RFC 9112 section 7.1): the size, or -1 when the line is
     * not valid or the size exceeds what Helidon reads (an int).
     */
    static long chunkSizeOf(byte[] line, int len) {
        int p = 0;
        long size = 0;
        while (p < len && hex(line[p]) >= 0) {
            size = size * 16 + hex(line[p]);
            if (size > Integer.MAX_VALUE) {
                return -1;
            }
            p++;
        }
        if (p == 0 || p > 16) {
            return -1;
        }
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        while (p < len) {
            p = skipBlanks(line, p, len);
            if (p >= len || line[p] != ';') {
                return -1;
            }
            p = skipBlanks(line, p + 1, len);
            int name = p;
            while (p < len && isTchar(line[p])) {
                p++;
            }
            if (p == name) {
                return -1;
            }
            int afterName = skipBlanks(line, p, len);
            if (afterName < len && line[afterName] == '=') {
                p = skipBlanks(line, afterName + 1, len);
                p = value(line, p, len);
                if (p < 0) {
                    return -1;
                }
            } else {
                p = afterName;
            }
        }
        return size;
    }

    /** The size digits of a chunk-size line, without extensions, ending in CRLF. */
    private static byte[] sizeLine(byte[] line) {
        int p = 0;
        while (hex(line[p]) >= 0) {
            p++;
        }
        if (p == line.length - 2) {
            return line;
        }
        byte[] out = Arrays.copyOf(line, p + 2);
        out[p] = '\r';
        out[p + 1] = '\n';
        return out;
    }

    /** A token or a quoted-string; the index after it, or -1. */
    private static int value(byte[] line, int p, int len) {
        if (p < len && line[p] == '"') {
            p++;
            while (p < len && line[p] != '"') {
                byte c = line[p];
                if (c == '\\') {
                    p++;
                    if (p >= len) {
                        return -1;
                    }
                    c = line[p];
                    if ((c != '\t' && (c & 0xff) < 0x20) || c == 0x7f) {
                        return -1;
                    }
                } else if ((c != '\t' && (c & 0xff) < 0x20) || c == 0x7f) {
                    return -1;
                }
                p++;
            }
            return p < len ? p + 1 : -1;
        }
        int start = p;
        while (p < len && isTchar(line[p])) {
            p++;
        }
        return p == start ? -1 : p;
    }

    /** {@code field-name ":" OWS field-value OWS} with visible characters, spaces, tabs or obs-text. */
    private static boolean isFieldLine(byte[] line, int len) {
        int p = 0;
        while (p < len && isTchar(line[p])) {
            p++;
        }
        if (p == 0 || p >= len || line[p] != ':') {
            return false;
        }
        for (p++; p < len; p++) {
            int c = line[p] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(byte[] line, int p, int len) {
        while (p < len && (line[p] == ' ' || line[p] == '\t')) {
            p++;
        }
        return p;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    static boolean isTchar(byte b) {
        return (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z')
                || (b >= '0' && b <= '9')
                || (b > 0 && "!#$%&'*+-.^_`|~".indexOf(b) >= 0);
    }

    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }

    private static int indexOf(byte[] in, int from, byte b) {
        for (int k = from; k < in.length; k++) {
            if (in[k] == b) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The output for one input array: the input itself until something is held back, dropped or
     * inserted; from then on a copy.
     */
    private static final class Output {
        private final byte[] in;
        private ByteArrayOutputStream copy;
        /** Bytes of {@code in} passed on unchanged so far, while no copy is needed. */
        private int same;

        Output(byte[] in) {
            this.in = in;
        }

        void copy(int from, int n) {
            if (copy == null && from == same) {
                same += n;
            } else {
                diverge();
                copy.write(in, from, n);
            }
        }

        /** Input bytes were consumed without being passed on (yet). */
        void skipped() {
            diverge();
        }

        void insert(byte[] bytes) {
            diverge();
            copy.write(bytes, 0, bytes.length);
        }

        private void diverge() {
            if (copy == null) {
                copy = new ByteArrayOutputStream(in.length + 16);
                copy.write(in, 0, same);
            }
        }

        byte[] result() {
            if (copy == null) {
                return same == in.length ? in : Arrays.copyOf(in, same);
            }
            return copy.toByteArray();
        }
    }
}
