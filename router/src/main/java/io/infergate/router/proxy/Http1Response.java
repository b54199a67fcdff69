package io.infergate.router.proxy;

import io.helidon.http.Status;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A response of {@link Http1Upstream}, read from its connection (RFC 9112).
 *
 * <p>The head: a status line of at most {@value #MAX_STATUS_LINE} bytes ({@code HTTP/1.0} or
 * {@code HTTP/1.1}, three digits), header fields up to {@value #MAX_HEAD_BYTES} bytes in all, each
 * {@code name: value} with a token as name (no line folding); anything else fails the exchange.
 * Interim responses (1xx other than 101) are read and dropped.
 *
 * <p>The body's framing: none for HEAD, 101, 204 and 304; else chunked when Transfer-Encoding ends
 * with chunked (chunk extensions ignored, trailers read and dropped; the connection is not reused
 * when a Content-Length came too); else another Transfer-Encoding or no length at all: until the
 * endpoint closes; else the Content-Length (one value, or several equal ones). A body that ends
 * early or breaks the chunked syntax fails the read with an IOException. Reading to the end of the
 * framing hands a keep-alive HTTP/1.1 connection back to its pool at once (before the final -1),
 * so a reader that stops at the last byte frees it too; a connection with bytes beyond the
 * response is closed.
 */
final class Http1Response implements UpstreamResponse {

    static final int MAX_STATUS_LINE = 256;
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** The longest chunk-size line (extensions included) accepted; trailers count against the head bound. */
    static final int MAX_CHUNK_LINE = 4 * 1024;

    private static final int OPEN = 0;
    private static final int RELEASED = 1;
    private static final int CLOSED = 2;

    private enum Framing {
        NONE,
        LENGTH,
        CHUNKED,
        UNTIL_CLOSE
    }

    private record StatusLine(boolean http11, int code, String reason) {}

    private final Http1Upstream.Connection c;
    private final Status status;
    private final HeaderList headers;
    private final long contentLength;
    private final boolean keepAlive;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final Body body;

    private Http1Response(
            Http1Upstream.Connection c,
            Status status,
            HeaderList headers,
            long contentLength,
            boolean keepAlive,
            Framing framing,
            long bodyLength) {
        this.c = c;
        this.status = status;
        this.headers = headers;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.body = new Body(framing, bodyLength);
        if (framing == Framing.NONE || (framing == Framing.LENGTH && bodyLength == 0)) {
            body.done = true;
            release();
        }
    }

    /** Reads the response head of the request just sent on {@code c}. */
    static Http1Response read(Http1Upstream.Connection c, boolean head) throws IOException {
        while (true) {
            StatusLine line = statusLine(c);
            HeaderList headers = new HeaderList();
            fields(c, headers, MAX_HEAD_BYTES);
            int code = line.code();
            if (code >= 100 && code < 200 && code != 101) {
                continue; // an interim response (100 Continue, 103 Early Hints): the final one follows
            }
            Status status = line.reason().isEmpty() ? Status.create(code) : Status.create(code, line.reason());
            boolean keepAlive = line.http11() && !hasToken(headers, "connection", "close");
            long length = contentLength(headers);
            String coding = lastCoding(headers);
            Framing framing;
            long bodyLength = -1;
            if (head || code == 101 || code == 204 || code == 304) {
                framing = Framing.NONE;
                keepAlive &= code != 101;
            } else if (coding != null) {
                framing = coding.equals("chunked") ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
                keepAlive &= framing == Framing.CHUNKED && length < 0; // both lengths: do not reuse
            } else if (length >= 0) {
                framing = Framing.LENGTH;
                bodyLength = length;
            } else {
                framing = Framing.UNTIL_CLOSE;
                keepAlive = false;
            }
            // a Content-Length next to Transfer-Encoding is not the body's length (RFC 9112 6.3)
            return new Http1Response(c, status, headers, coding == null ? length : -1, keepAlive, framing, bodyLength);
        }
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public HeaderList headers() {
        return headers;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public InputStream inputStream() {
        return body;
    }

    @Override
    public void close() {
        if (state.compareAndSet(OPEN, CLOSED)) {
            c.close();
        }
    }

    /** The framing ended: keep the connection when it may be reused, else close it. */
    private void release() {
        if (state.compareAndSet(OPEN, RELEASED)) {
            if (keepAlive && c.pos == c.lim) {
                c.pool.give(c);
            } else {
                c.close(); // not keep-alive, or bytes beyond the response: nothing to trust on it
            }
        }
    }

    private static StatusLine statusLine(Http1Upstream.Connection c) throws IOException {
        int end = lineEnd(c, MAX_STATUS_LINE, "status line");
        byte[] b = c.buf;
        int p = c.pos;
        int len = end - p;
        // "HTTP/1.1 200" at least, then optionally " reason"
        if (len < 12
                || b[p] != 'H'
                || b[p + 1] != 'T'
                || b[p + 2] != 'T'
                || b[p + 3] != 'P'
                || b[p + 4] != '/'
                || b[p + 5] != '1'
                || b[p + 6] != '.'
                || (b[p + 7] != '0' && b[p + 7] != '1')
                || b[p + 8] != ' '
                || !digit(b[p + 9])
                || !digit(b[p + 10])
                || !digit(b[p + 11])
                || (len > 12 && b[p + 12] != ' ')) {
            throw new ProtocolException("malformed status line from the endpoint");
        }
        int code = (b[p + 9] - '0') * 100 + (b[p + 10] - '0') * 10 + (b[p + 11] - '0');
        if (code < 100) {
            throw new ProtocolException("status code " + code + " from the endpoint");
        }
        String reason = len > 13 ? new String(b, p + 13, len - 13, StandardCharsets.ISO_8859_1) : "";
        boolean http11 = b[p + 7] == '1';
        c.pos = end + 2;
        return new StatusLine(http11, code, reason);
    }

    /** Reads header fields up to the empty line (a header section or a trailer section). */
    private static void fields(Http1Upstream.Connection c, HeaderList into, int maxBytes) throws IOException {
        int budget = maxBytes;
        while (true) {
            int end = lineEnd(c, budget, "header section");
            byte[] b = c.buf;
            int p = c.pos;
            budget -= end - p + 2;
            if (end == p) {
                c.pos = end + 2;
                return;
            }
            int colon = -1;
            for (int i = p; i < end; i++) {
                byte ch = b[i];
                if (ch == ':') {
                    colon = i;
                    break;
                }
                if (!tokenChar(ch)) {
                    throw new ProtocolException("malformed header field from the endpoint");
                }
            }
            if (colon <= p) {
                throw new ProtocolException("malformed header field from the endpoint");
            }
            int vs = colon + 1;
            int ve = end;
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                ve--;
            }
            for (int i = vs; i < ve; i++) {
                if (b[i] == 0 || b[i] == '\r') {
                    throw new ProtocolException("malformed header value from the endpoint");
                }
            }
            into.add(
                    new String(b, p, colon - p, StandardCharsets.ISO_8859_1),
                    new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1));
            c.pos = end + 2;
        }
    }

    /**
     * The index of the CR of the next line's CRLF in {@code c.buf}, reading as needed; the line
     * starts at {@code c.pos} and may be at most {@code max} bytes. A bare LF is refused.
     */
    private static int lineEnd(Http1Upstream.Connection c, int max, String what) throws IOException {
        int from = c.pos;
        while (true) {
            byte[] b = c.buf;
            for (int i = from; i < c.lim; i++) {
                if (b[i] == '\n') {
                    if (i == c.pos || b[i - 1] != '\r') {
                        throw new ProtocolException("bare LF in the " + what + " from the endpoint");
                    }
                    if (i - 1 - c.pos > max) {
                        throw new ProtocolException("the " + what + " from the endpoint is too long");
                    }
                    return i - 1;
                }
            }
            if (c.lim - c.pos > max + 1) { // the longest line and its CR, and still no LF
                throw new ProtocolException("the " + what + " from the endpoint is too long");
            }
            int before = c.pos;
            from = c.lim;
            c.room(max + 2);
            if (!c.fill()) {
                throw new EOFException("the endpoint closed the connection in the " + what);
            }
            from -= before - c.pos; // fill may have moved the unread bytes to the front
        }
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean tokenChar(byte ch) {
        return ch > ' ' && ch < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(ch) < 0;
    }

    /** The Content-Length: -1 without one; every value must be the same digits. */
    private static long contentLength(HeaderList headers) throws ProtocolException {
        long length = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("content-length")) {
                continue;
            }
            for (String part : headers.value(i).split(",", -1)) {
                String v = part.strip();
                if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    throw new ProtocolException("invalid Content-Length from the endpoint");
                }
                long n = Long.parseLong(v);
                if (length >= 0 && n != length) {
                    throw new ProtocolException("conflicting Content-Length values from the endpoint");
                }
                length = n;
            }
        }
        return length;
    }

    /** The last transfer coding named, lower case; null without Transfer-Encoding. */
    private static String lastCoding(HeaderList headers) {
        String last = null;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase("transfer-encoding")) {
                for (String part : headers.value(i).split(",", -1)) {
                    String v = part.strip();
                    int semi = v.indexOf(';');
                    last = (semi < 0 ? v : v.substring(0, semi).strip()).toLowerCase(Locale.ROOT);
                }
            }
        }
        return last;
    }

    private static boolean hasToken(HeaderList headers, String name, String token) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase(name)) {
                for (String part : headers.value(i).split(",", -1)) {
                    if (part.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The body as its framing delimits it. */
    private final class Body extends InputStream {
        private final Framing framing;
        /** LENGTH: bytes left; CHUNKED: bytes left in the current chunk (-1: a chunk-size line is next). */
        private long left;

        boolean done;

        Body(Framing framing, long length) {
            this.framing = framing;
            this.left = framing == Framing.CHUNKED ? -1 : length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            return switch (framing) {
                case NONE -> -1;
                case LENGTH -> readLength(b, off, len);
                case CHUNKED -> readChunked(b, off, len);
                case UNTIL_CLOSE -> readUntilClose(b, off, len);
            };
        }

        @Override
        public void close() {
            Http1Response.this.close(); // unread bytes: the connection is closed, not reused
        }

        private int readLength(byte[] b, int off, int len) throws IOException {
            int n = take(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException(
                        "the endpoint closed the connection " + left + " bytes before the end of the body");
            }
            left -= n;
            if (left == 0) {
                done = true;
                release();
            }
            return n;
        }

        private int readUntilClose(byte[] b, int off, int len) throws IOException {
            int n = take(b, off, len);
            if (n < 0) {
                done = true;
                release();
            }
            return n;
        }

        /**
         * Up to {@code len} bytes: the buffered ones first; a read at least as large as the buffer
         * goes to the socket directly. -1 at the end of the stream.
         */
        private int take(byte[] b, int off, int len) throws IOException {
            if (c.pos == c.lim) {
                if (len >= c.buf.length) {
                    int n = c.read(b, off, len);
                    if (n > 0) {
                        c.received += n;
                    }
                    return n;
                }
                if (!c.fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, c.lim - c.pos);
            System.arraycopy(c.buf, c.pos, b, off, n);
            c.pos += n;
            return n;
        }

        private int readChunked(byte[] b, int off, int len) throws IOException {
            if (left == -1) {
                left = chunkSize();
                if (left == 0) {
                    fields(c, new HeaderList(), MAX_HEAD_BYTES); // trailers: read, not relayed
                    done = true;
                    release();
                    return -1;
                }
            }
            int n = take(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the endpoint closed the connection inside a chunk");
            }
            left -= n;
            if (left == 0) {
                int end = lineEnd(c, 0, "chunk's end"); // the chunk's own CRLF, nothing before it
                c.pos = end + 2;
                left = -1;
            }
            return n;
        }

        /** Reads a chunk-size line: hex digits, then optional extensions (ignored). */
        private long chunkSize() throws IOException {
            int end = lineEnd(c, MAX_CHUNK_LINE, "chunk size");
            byte[] buf = c.buf;
            long size = 0;
            int i = c.pos;
            int digits = 0;
            for (; i < end; i++) {
                int d = Character.digit(buf[i], 16);
                if (d < 0) {
                    break;
                }
                if (++digits > 15) {
                    throw new ProtocolException("chunk size from the endpoint too large");
                }
                size = size * 16 + d;
            }
            while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (digits == 0 || (i < end && buf[i] != ';')) {
                throw new ProtocolException("malformed chunk size from the endpoint");
            }
            c.pos = end + 2;
            return size;
        }
    }
}
