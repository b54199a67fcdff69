package io.infergate.router.proxy;

import io.infergate.common.http.ClientBody;
import io.infergate.common.snapshot.Endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's own HTTP/1.1 client for plain-text endpoints (docs/adr/0038): blocking I/O on the
 * request's virtual thread, one write per request head (with a body held in memory), a pool of
 * keep-alive connections per endpoint, and nothing else running per request; read timeouts and
 * idle connections are swept on the caller's timer thread ({@link ReadDeadlines}: no
 * {@code SO_TIMEOUT}, whose timed parks cost the scheduler's delay thread two wake-ups per response). Helidon's WebClient
 * (kept for TLS and h2c endpoints) costs about a quarter of the router's CPU per proxied request
 * here: its call chain of futures and services, and a new virtual thread per request that watches
 * each pooled connection while it is idle.
 *
 * <p>Rules it keeps, as Helidon's client did: TCP_NODELAY; no redirects, no {@code Expect}, no
 * content coding; {@code Content-Length} of a body held in memory (0 without a body), chunked
 * coding for a streamed body of unknown length; {@code Connection: keep-alive}. A field whose name
 * is not a token or whose value holds CR, LF or NUL is left out and a target character that cannot
 * stand in a request line is percent-encoded (no request splitting, whatever the listener let
 * pass; Helidon's client wrote non-ASCII target characters as {@code ?}). The connect
 * timeout bounds connecting, the read timeout every single read (up to {@link ReadDeadlines#TICK}
 * late). Responses: see {@link Http1Response}.
 *
 * <p>Pooling: a connection goes back to its endpoint's pool only when its response was read to
 * the end of its framing, with keep-alive, and nothing more arrived; at most
 * {@link #POOL_PER_ENDPOINT} wait per endpoint, newest first. One idle for
 * {@link #PROBE_AFTER_NANOS} or more is checked for a close by the endpoint before use (a read of
 * 1 ms); one idle for {@link #IDLE_LIMIT_NANOS} is closed. A reused connection that fails before
 * the first response byte is {@link Upstream.Failure#STALE}: the endpoint closed it meanwhile.
 */
final class Http1Upstream implements AutoCloseable {

    /** Idle connections kept per endpoint (Helidon's connection cache size). */
    static final int POOL_PER_ENDPOINT = 256;
    /** An idle connection older than this is probed for a close before it is used. */
    static final long PROBE_AFTER_NANOS = Duration.ofMillis(250).toNanos();
    /** An idle connection older than this is closed (by its next taker or the sweep). */
    static final long IDLE_LIMIT_NANOS = Duration.ofSeconds(30).toNanos();
    /** Read timeouts are cut to this (a year), so that start + timeout cannot overflow. */
    static final long MAX_READ_TIMEOUT_NANOS = Duration.ofDays(365).toNanos();

    private final int connectMillis;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final ReadDeadlines deadlines = new ReadDeadlines();
    private final List<ScheduledFuture<?>> sweeps;
    private volatile boolean closed;

    /**
     * @param timer runs the sweeps: overdue reads every {@link ReadDeadlines#TICK}, connections idle
     *              too long every 5 s (until {@link #close})
     */
    Http1Upstream(Duration connectTimeout, ScheduledExecutorService timer) {
        this.connectMillis = Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE);
        long tick = ReadDeadlines.TICK.toNanos();
        this.sweeps = List.of(
                timer.scheduleWithFixedDelay(
                        () -> deadlines.sweep(System.nanoTime()), tick, tick, TimeUnit.NANOSECONDS),
                timer.scheduleWithFixedDelay(this::sweep, 5, 5, TimeUnit.SECONDS));
    }

    /**
     * Sends the request and reads the response head.
     *
     * @param target      the request target, written as it is
     * @param headers     the headers to send, Host included (framing headers are set here)
     * @param readTimeout the longest wait for any single read, the response head's included
     * @throws Upstream.UpstreamException when no response head arrived
     */
    UpstreamResponse send(
            Endpoint endpoint,
            String method,
            String target,
            HeaderList headers,
            Upstream.Body body,
            Duration readTimeout)
            throws Upstream.UpstreamException {
        if (closed) {
            throw new Upstream.UpstreamException(
                    Upstream.Failure.CONNECT, new IOException("the upstream client is closed"));
        }
        Pool pool = pools.computeIfAbsent(endpoint.hostPort(), k -> new Pool());
        byte[] head = head(method, target, headers, body);
        Connection c = pool.take();
        boolean reused = c != null;
        if (c == null) {
            c = connect(endpoint, pool);
        }
        boolean sent = false;
        try {
            c.readTimeoutNanos = Math.clamp(readTimeout.toNanos(), 1, MAX_READ_TIMEOUT_NANOS);
            writeRequest(c, head, body);
            sent = true;
            return Http1Response.read(c, "HEAD".equals(method));
        } catch (ClientBody.Malformed e) {
            c.close(); // the client's body broke off: answered by the listener (400/413)
            throw e;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new Upstream.UpstreamException(failure(e, reused, sent, c), e);
        }
    }

    /** Why an exchange failed after connecting. */
    private static Upstream.Failure failure(Exception e, boolean reused, boolean sent, Connection c) {
        if (e instanceof SocketTimeoutException) {
            return Upstream.Failure.TIMEOUT;
        }
        // the endpoint closed a pooled connection while it was idle: nothing of this exchange was read
        if (reused && c.received == 0 && (e instanceof IOException || !sent)) {
            return Upstream.Failure.STALE;
        }
        return Upstream.Failure.RESET;
    }

    private Connection connect(Endpoint endpoint, Pool pool) throws Upstream.UpstreamException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.address(), endpoint.port()), connectMillis);
            return new Connection(socket, pool, deadlines);
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // not connected: nothing to release
            }
            throw new Upstream.UpstreamException(Upstream.Failure.CONNECT, e);
        }
    }

    private static void writeRequest(Connection c, byte[] head, Upstream.Body body) throws IOException {
        OutputStream out = c.out;
        switch (body) {
            case Upstream.Body.None n -> out.write(head);
            case Upstream.Body.Bytes b -> {
                if (b.bytes().length <= 64 * 1024) { // one write, as one TCP send
                    byte[] all = new byte[head.length + b.bytes().length];
                    System.arraycopy(head, 0, all, 0, head.length);
                    System.arraycopy(b.bytes(), 0, all, head.length, b.bytes().length);
                    out.write(all);
                } else {
                    out.write(head);
                    out.write(b.bytes());
                }
            }
            case Upstream.Body.Stream s -> {
                out.write(head);
                try (InputStream in = s.in()) {
                    if (s.length() >= 0) {
                        long sent = in.transferTo(out);
                        if (sent != s.length()) {
                            throw new IOException("the request body had " + sent + " bytes, not " + s.length());
                        }
                    } else {
                        chunked(in, out);
                    }
                }
            }
        }
    }

    /** Writes a body of unknown length in chunked coding, a chunk per read. */
    private static void chunked(InputStream in, OutputStream out) throws IOException {
        byte[] chunk = new byte[16 * 1024 + 12];
        int offset = 10; // room for up to 8 hex digits and CRLF before the data
        while (true) {
            int n = in.read(chunk, offset, chunk.length - offset - 2);
            if (n < 0) {
                out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
                return;
            }
            if (n == 0) {
                continue;
            }
            byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            int start = offset - size.length;
            System.arraycopy(size, 0, chunk, start, size.length);
            chunk[offset + n] = '\r';
            chunk[offset + n + 1] = '\n';
            out.write(chunk, start, size.length + n + 2);
        }
    }

    /** The request line and headers, framing headers set for {@code body}. */
    static byte[] head(String method, String target, HeaderList headers, Upstream.Body body) {
        if (!token(method)) {
            throw new IllegalArgumentException("invalid request method");
        }
        Ascii out = new Ascii(256 + 64 * 8);
        out.append(method).append(' ');
        target(out, target);
        out.append(" HTTP/1.1\r\n");
        boolean connection = false;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            String value = headers.value(i);
            if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
                continue; // set below from the body actually sent
            }
            if (!token(name) || !fieldValue(value)) {
                continue; // cannot stand in a header section (the listener let it pass): left out
            }
            connection |= name.equalsIgnoreCase("connection");
            out.append(name).append(": ").appendValue(value).append("\r\n");
        }
        if (!connection) {
            out.append("Connection: keep-alive\r\n");
        }
        switch (body) {
            case Upstream.Body.None n -> out.append("Content-Length: 0\r\n");
            case Upstream.Body.Bytes b ->
                out.append("Content-Length: ")
                        .append(Integer.toString(b.bytes().length))
                        .append("\r\n");
            case Upstream.Body.Stream s -> {
                if (s.length() >= 0) {
                    out.append("Content-Length: ")
                            .append(Long.toString(s.length()))
                            .append("\r\n");
                } else {
                    out.append("Transfer-Encoding: chunked\r\n");
                }
            }
        }
        out.append("\r\n");
        return out.bytes();
    }

    /** RFC 9110 tchar, by ASCII code. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char ch = '!'; ch < 127; ch++) {
            TCHAR[ch] = "\"(),/:;<=>?@[\\]{}".indexOf(ch) < 0;
        }
    }

    /** RFC 9110 token: what a method or a header name must be. */
    private static boolean token(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 128 || !TCHAR[ch]) {
                return false;
            }
        }
        return true;
    }

    /** A field value that can be written: no CR, LF or NUL (they would end the field or the head early). */
    private static boolean fieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The target as the listener accepted it, byte for byte, except characters that cannot stand
     * in a request line (controls, space, DEL, non-ASCII), which are percent-encoded (a character
     * above U+00FF as its UTF-8 bytes).
     */
    private static void target(Ascii out, String target) {
        for (int i = 0; i < target.length(); i++) {
            char ch = target.charAt(i);
            if (ch > ' ' && ch < 127) {
                out.append(ch);
            } else if (ch <= 255) {
                out.percent(ch);
            } else {
                int cp = target.codePointAt(i);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    out.percent(b & 0xff);
                }
                i += Character.charCount(cp) - 1;
            }
        }
    }

    /** Closes idle connections older than {@link #IDLE_LIMIT_NANOS} (run now and then). */
    void sweep() {
        long now = System.nanoTime();
        pools.values().forEach(p -> p.sweep(now));
    }

    @Override
    public void close() {
        closed = true;
        sweeps.forEach(f -> f.cancel(false));
        pools.values().forEach(p -> p.sweep(Long.MAX_VALUE));
    }

    /** The read timeout's sweeper (tests). */
    ReadDeadlines deadlines() {
        return deadlines;
    }

    /** Idle keep-alive connections to one endpoint, newest first. */
    final class Pool {
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();

        /** A usable idle connection, or null. */
        Connection take() {
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                size.decrementAndGet();
                long idleNanos = System.nanoTime() - c.idleSince;
                if (idleNanos < PROBE_AFTER_NANOS || (idleNanos < IDLE_LIMIT_NANOS && c.open())) {
                    return c;
                }
                c.close();
            }
            return null;
        }

        /** A connection whose exchange ended cleanly: kept for the next request, or closed. */
        void give(Connection c) {
            if (closed || size.incrementAndGet() > POOL_PER_ENDPOINT) {
                size.decrementAndGet();
                c.close();
                return;
            }
            c.idleSince = System.nanoTime();
            c.received = 0;
            idle.offerFirst(c);
            if (closed && idle.remove(c)) { // closed meanwhile: the close's sweep may have missed it
                size.decrementAndGet();
                c.close();
            }
        }

        void sweep(long now) {
            for (Connection c : idle) {
                if (now - c.idleSince >= IDLE_LIMIT_NANOS && idle.remove(c)) {
                    size.decrementAndGet();
                    c.close();
                }
            }
        }
    }

    /** One TCP connection to an endpoint, with its read buffer. */
    static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final Pool pool;
        /**
         * Read buffer: bytes [pos, lim) are read from the socket and not consumed yet. 4 KiB, held
         * by every pooled connection (one per open stream); grown only for a longer head line.
         */
        byte[] buf = new byte[4 * 1024];

        int pos;
        int lim;
        /** Bytes received in the current exchange (0: nothing yet, so a failure may be staleness). */
        long received;

        volatile long idleSince;

        /** The current exchange's read timeout; written before {@link #readSince}, read after it. */
        long readTimeoutNanos = MAX_READ_TIMEOUT_NANOS;
        /** When the read in progress started ({@code System.nanoTime()}), 0 when none is. */
        private volatile long readSince;
        /** Set by {@link ReadDeadlines} before it closes the socket of an overdue read. */
        private volatile boolean expired;

        private final ReadDeadlines deadlines;

        Connection(Socket socket, Pool pool, ReadDeadlines deadlines) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.pool = pool;
            this.deadlines = deadlines;
            deadlines.add(this);
        }

        /**
         * Reads from the socket under the exchange's read timeout: a read that outlives it is ended
         * by {@link ReadDeadlines} and fails with {@link SocketTimeoutException}.
         */
        int read(byte[] b, int off, int len) throws IOException {
            long now = System.nanoTime();
            readSince = now == 0 ? 1 : now;
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                if (expired) {
                    SocketTimeoutException t = new SocketTimeoutException("Read timed out");
                    t.initCause(e);
                    throw t;
                }
                throw e;
            } finally {
                readSince = 0;
            }
        }

        /** Whether a read is in progress that started more than the read timeout before {@code now}. */
        boolean overdue(long now) {
            long since = readSince;
            return since != 0 && now - since > readTimeoutNanos;
        }

        /** Ends an overdue read by closing the socket. */
        void expire() {
            expired = true;
            close();
        }

        /** Makes the buffer hold at least {@code bytes} (at most the head bound), for one line. */
        void room(int bytes) {
            int want = Math.min(bytes, Http1Response.MAX_HEAD_BYTES + 2);
            if (lim - pos == buf.length && want > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.min(want, buf.length * 2));
            }
        }

        /** Reads more bytes into the buffer (compacting it first); false at the end of the stream. */
        boolean fill() throws IOException {
            if (pos == lim) {
                pos = 0;
                lim = 0;
            } else if (lim == buf.length) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            int n = read(buf, lim, buf.length - lim);
            if (n < 0) {
                return false;
            }
            lim += n;
            received += n;
            return true;
        }

        /**
         * Whether an idle connection is still open: a read of at most 1 ms finds no end of stream
         * and no stray bytes (an idle connection has nothing to say).
         */
        boolean open() {
            try {
                socket.setSoTimeout(1);
                in.read(); // the end of the stream, or a stray byte: either way not usable
                return false;
            } catch (SocketTimeoutException e) {
                try {
                    socket.setSoTimeout(0); // reads of the exchange are timed by ReadDeadlines
                    return true;
                } catch (IOException closed) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            deadlines.remove(this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is left
            }
        }
    }

    /** A growing byte array of ISO-8859-1 text. */
    private static final class Ascii {
        private byte[] bytes;
        private int n;

        Ascii(int capacity) {
            bytes = new byte[capacity];
        }

        Ascii append(String s) {
            int len = s.length();
            if (n + len > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + len));
            }
            for (int i = 0; i < len; i++) { // ISO-8859-1: values were checked to be within it
                bytes[n + i] = (byte) s.charAt(i);
            }
            n += len;
            return this;
        }

        Ascii append(char ch) {
            if (n == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[n++] = (byte) ch;
            return this;
        }

        /** A field value: ISO-8859-1 characters as one byte, others as their UTF-8 bytes. */
        Ascii appendValue(String v) {
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (ch <= 255) {
                    append(ch);
                } else {
                    int cp = v.codePointAt(i);
                    for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                        append((char) (b & 0xff));
                    }
                    i += Character.charCount(cp) - 1;
                }
            }
            return this;
        }

        void percent(int b) {
            append('%')
                    .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(bytes, n);
        }
    }
}
