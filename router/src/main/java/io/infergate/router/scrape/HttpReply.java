package io.infergate.router.scrape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An incremental reader of one HTTP/1.x response, fed whatever bytes the socket had. Pure: no
 * I/O, so the scrape loop can drive many of them from one selector and tests can split a reply at
 * every byte.
 *
 * <p>What it accepts: a status line, headers, and a body delimited by {@code Content-Length},
 * {@code Transfer-Encoding: chunked} (extensions and trailers ignored) or the end of the
 * connection. Bounds: {@link #MAX_HEAD} for the status line plus headers (and for each chunk-size
 * or trailer line), {@link #MAX_BODY} for the body; beyond them, or on anything that is not HTTP,
 * it throws and the caller drops the connection. The body buffer is kept between replies so a
 * scrape of a steady endpoint allocates nothing here.
 */
final class HttpReply {

    /** A /metrics body beyond this is refused: the parser needs a few series, not megabytes. */
    static final int MAX_BODY = 4 << 20;
    /** Status line and headers together, trailers together, and any single chunk-size line. */
    static final int MAX_HEAD = 64 << 10;

    private enum Phase {
        STATUS,
        HEADERS,
        FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        UNTIL_EOF,
        DONE
    }

    private Phase phase = Phase.STATUS;
    private byte[] line = new byte[256];
    private int lineLength;
    private int headBytes;
    private byte[] body = new byte[16 << 10];
    private int bodyLength;
    private long remaining; // of the fixed body or of the current chunk
    private int status;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean started;

    /** Forgets the previous reply; the buffers stay. */
    void reset() {
        phase = Phase.STATUS;
        lineLength = 0;
        headBytes = 0;
        bodyLength = 0;
        remaining = 0;
        status = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        started = false;
    }

    /**
     * Consumes bytes from {@code src} up to the end of this reply (bytes after it stay in
     * {@code src}: a server must not send them, the caller treats them as an error).
     *
     * @return true when the reply is complete
     */
    boolean feed(ByteBuffer src) throws IOException {
        if (src.hasRemaining()) {
            started = true;
        }
        while (src.hasRemaining() && phase != Phase.DONE) {
            switch (phase) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    if (readLine(src)) {
                        onLine();
                    }
                }
                case FIXED, CHUNK_DATA -> {
                    int k = (int) Math.min(remaining, src.remaining());
                    append(src, k);
                    remaining -= k;
                    if (remaining == 0) {
                        phase = phase == Phase.FIXED ? Phase.DONE : Phase.CHUNK_END;
                    }
                }
                case UNTIL_EOF -> append(src, src.remaining());
                default -> throw new IllegalStateException(phase.name());
            }
        }
        return phase == Phase.DONE;
    }

    /**
     * The connection reached its end: completes a body delimited by it.
     *
     * @return true when the reply is complete; false when it was cut short
     */
    boolean endOfStream() {
        if (phase == Phase.UNTIL_EOF) {
            phase = Phase.DONE;
            close = true;
        }
        return phase == Phase.DONE;
    }

    /** Whether any byte of this reply arrived (a kept-alive connection closed before any did is retried). */
    boolean started() {
        return started;
    }

    int status() {
        return status;
    }

    /** The body bytes are {@code body()[0, bodyLength())}; valid until the next {@link #reset}. */
    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** Whether the connection may carry the next request. */
    boolean keepAlive() {
        return phase == Phase.DONE && !close;
    }

    private void append(ByteBuffer src, int k) throws IOException {
        if (bodyLength + (long) k > MAX_BODY) {
            throw new IOException("metrics body exceeds " + MAX_BODY + " bytes");
        }
        if (bodyLength + k > body.length) {
            body = Arrays.copyOf(body, Math.min(MAX_BODY, Math.max(bodyLength + k, body.length * 2)));
        }
        src.get(body, bodyLength, k);
        bodyLength += k;
    }

    /** Accumulates up to a LF; true when a whole line (without CR LF) is in {@link #line}. */
    private boolean readLine(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            byte b = src.get();
            if (phase == Phase.STATUS || phase == Phase.HEADERS || phase == Phase.TRAILERS) {
                if (++headBytes > MAX_HEAD) {
                    throw new IOException("response headers exceed " + MAX_HEAD + " bytes");
                }
            }
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == line.length) {
                if (lineLength >= MAX_HEAD) {
                    throw new IOException("response line exceeds " + MAX_HEAD + " bytes");
                }
                line = Arrays.copyOf(line, Math.min(MAX_HEAD, line.length * 2));
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private void onLine() throws IOException {
        int n = lineLength;
        lineLength = 0;
        switch (phase) {
            case STATUS -> {
                if (n < 12 || !startsWith(0, "HTTP/1.") || line[8] != ' ') {
                    throw new IOException("not an HTTP/1.x response: " + abbreviate(n));
                }
                status = digits(9, 12, "status line", n);
                close = line[7] == '0'; // HTTP/1.0 closes unless it says keep-alive
                phase = Phase.HEADERS;
            }
            case HEADERS -> {
                if (n == 0) {
                    endOfHeaders();
                } else {
                    header(n);
                }
            }
            case CHUNK_SIZE -> {
                long size = chunkSize(n);
                if (size == 0) {
                    phase = Phase.TRAILERS;
                } else {
                    if (bodyLength + size > MAX_BODY) {
                        throw new IOException("metrics body exceeds " + MAX_BODY + " bytes");
                    }
                    remaining = size;
                    phase = Phase.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (n != 0) {
                    throw new IOException("chunk not followed by CRLF");
                }
                phase = Phase.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (n == 0) {
                    phase = Phase.DONE;
                }
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }

    private void endOfHeaders() throws IOException {
        if (chunked) {
            phase = Phase.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            if (contentLength > MAX_BODY) {
                throw new IOException("metrics body of " + contentLength + " bytes exceeds " + MAX_BODY);
            }
            remaining = contentLength;
            phase = contentLength == 0 ? Phase.DONE : Phase.FIXED;
        } else {
            phase = Phase.UNTIL_EOF;
        }
    }

    private void header(int n) throws IOException {
        int colon = 0;
        while (colon < n && line[colon] != ':') {
            colon++;
        }
        if (colon == 0 || colon == n) {
            return; // not a header line: ignored, as before
        }
        int v = colon + 1;
        while (v < n && (line[v] == ' ' || line[v] == '\t')) {
            v++;
        }
        int end = n;
        while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (nameIs(colon, "content-length")) {
            long len = 0;
            if (v == end || end - v > 10) {
                throw new IOException("bad Content-Length: " + abbreviate(n));
            }
            for (int i = v; i < end; i++) {
                if (line[i] < '0' || line[i] > '9') {
                    throw new IOException("bad Content-Length: " + abbreviate(n));
                }
                len = len * 10 + (line[i] - '0');
            }
            contentLength = len;
        } else if (nameIs(colon, "transfer-encoding")) {
            chunked = contains(v, end, "chunked");
        } else if (nameIs(colon, "connection")) {
            if (equalsIgnoreCase(v, end, "close")) {
                close = true;
            } else if (equalsIgnoreCase(v, end, "keep-alive")) {
                close = false;
            }
        }
    }

    private long chunkSize(int n) throws IOException {
        int end = 0;
        while (end < n && line[end] != ';') {
            end++;
        }
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (end == 0 || end > 8) {
            throw new IOException("bad chunk size: " + abbreviate(n));
        }
        long size = 0;
        for (int i = 0; i < end; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                throw new IOException("bad chunk size: " + abbreviate(n));
            }
            size = size * 16 + d;
        }
        return size;
    }

    private int digits(int from, int to, String what, int n) throws IOException {
        int v = 0;
        for (int i = from; i < to; i++) {
            if (line[i] < '0' || line[i] > '9') {
                throw new IOException("bad " + what + ": " + abbreviate(n));
            }
            v = v * 10 + (line[i] - '0');
        }
        return v;
    }

    private boolean startsWith(int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (line[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean nameIs(int length, String lower) {
        return length == lower.length() && equalsIgnoreCase(0, length, lower);
    }

    private boolean equalsIgnoreCase(int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if (Character.toLowerCase((char) (line[from + i] & 0xff)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(int from, int to, String lower) {
        for (int i = from; i + lower.length() <= to; i++) {
            if (equalsIgnoreCase(i, i + lower.length(), lower)) {
                return true;
            }
        }
        return false;
    }

    private String abbreviate(int n) {
        String s = new String(line, 0, Math.min(n, 80), java.nio.charset.StandardCharsets.ISO_8859_1);
        return n > 80 ? s + "…" : s;
    }
}
