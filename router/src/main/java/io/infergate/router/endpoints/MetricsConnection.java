package io.infergate.router.endpoints;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection to one endpoint's {@code GET /metrics}, used by that
 * endpoint's scrape loop only, blocking on its virtual thread.
 *
 * <p>Why not {@link java.net.http.HttpClient}: a scrape is one small GET every 50 ms per endpoint,
 * and the JDK client's asynchronous machinery (selector-manager thread, flow subscriptions,
 * completable-future chains, connection-pool bookkeeping) cost ~300 µs of CPU per scrape, 60 % of a
 * core for 100 endpoints (bench/scrape-cost.sh). Here a scrape is one write and a read or two.
 *
 * <p>What it speaks: a status line, headers, and a body delimited by {@code Content-Length},
 * {@code Transfer-Encoding: chunked} or the end of the connection; no compression is asked for.
 * The whole exchange must finish within the timeout (each read waits at most the time left), the
 * body is bounded, and any error closes the connection so the next scrape starts clean.
 */
final class MetricsConnection implements AutoCloseable {

    /** A /metrics body beyond this is refused: the parser needs a few series, not megabytes. */
    static final int MAX_BODY = 4 << 20;
    private static final int MAX_HEADERS = 64 << 10;

    private final String host;
    private final int port;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[16 << 10];
    private int pos;
    private int lim;
    private long deadline;

    /**
     * @param host the address (brackets around IPv6 as in {@code address:port} are accepted)
     * @param port the port
     */
    MetricsConnection(String host, int port) {
        this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        this.request = ("GET /metrics HTTP/1.1\r\nHost: " + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                + ":" + port + "\r\nAccept: text/plain\r\nUser-Agent: infergate-router\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The result of one exchange. */
    record Response(int status, String body) {
    }

    /** GET /metrics within {@code timeout}; any exception leaves the connection closed. */
    Response get(Duration timeout) throws IOException {
        deadline = System.nanoTime() + timeout.toNanos();
        boolean reused = socket != null;
        try {
            return exchange(timeout);
        } catch (IOException e) {
            close();
            if (!reused || e instanceof SocketTimeoutException) {
                throw e;
            }
            // A kept-alive connection the server closed meanwhile: one fresh attempt.
            deadline = System.nanoTime() + timeout.toNanos();
            try {
                return exchange(timeout);
            } catch (IOException again) {
                close();
                throw again;
            }
        }
    }

    private Response exchange(Duration timeout) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = 0;
            lim = 0;
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + abbreviate(statusLine));
        }
        int status = parseInt(statusLine.length() >= 12 ? statusLine.substring(9, 12) : "", "status line");
        long length = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        int headerBytes = 0;
        while (true) {
            String h = line();
            headerBytes += h.length() + 2;
            if (headerBytes > MAX_HEADERS) {
                throw new IOException("response headers too large");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = parseInt(value, "Content-Length");
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close") || close && !value.equalsIgnoreCase("keep-alive");
                default -> { }
            }
        }
        byte[] body;
        if (chunked) {
            body = chunkedBody();
        } else if (length >= 0) {
            if (length > MAX_BODY) {
                throw new IOException("metrics body of " + length + " bytes exceeds " + MAX_BODY);
            }
            body = exactly((int) length);
        } else {
            body = untilEof();
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private byte[] chunkedBody() throws IOException {
        byte[] acc = new byte[Math.min(buf.length, MAX_BODY)];
        int n = 0;
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            int chunk;
            try {
                chunk = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(size));
            }
            if (chunk < 0 || n + (long) chunk > MAX_BODY) {
                throw new IOException("metrics body exceeds " + MAX_BODY + " bytes");
            }
            if (chunk == 0) {
                while (!line().isEmpty()) {
                    // trailers: ignored
                }
                return Arrays.copyOf(acc, n);
            }
            if (n + chunk > acc.length) {
                acc = Arrays.copyOf(acc, Math.max(n + chunk, acc.length * 2));
            }
            read(acc, n, chunk);
            n += chunk;
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private byte[] exactly(int length) throws IOException {
        byte[] out = new byte[length];
        read(out, 0, length);
        return out;
    }

    private byte[] untilEof() throws IOException {
        byte[] acc = new byte[buf.length];
        int n = 0;
        while (true) {
            if (pos == lim && !fill()) {
                return Arrays.copyOf(acc, n);
            }
            int k = lim - pos;
            if (n + (long) k > MAX_BODY) {
                throw new IOException("metrics body exceeds " + MAX_BODY + " bytes");
            }
            if (n + k > acc.length) {
                acc = Arrays.copyOf(acc, Math.max(n + k, acc.length * 2));
            }
            System.arraycopy(buf, pos, acc, n, k);
            n += k;
            pos = lim;
        }
    }

    /** Copies {@code len} body bytes into {@code dst}, from the buffer then the socket. */
    private void read(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == lim && !fill()) {
                throw new IOException("connection closed in the body");
            }
            int k = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, dst, off, k);
            pos += k;
            off += k;
            len -= k;
        }
    }

    /** One CRLF- (or LF-) terminated line, Latin-1, without the terminator. */
    private String line() throws IOException {
        StringBuilder b = null;
        while (true) {
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    if (b == null) {
                        return part;
                    }
                    String s = b.append(part).toString();
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
            }
            if (b == null) {
                b = new StringBuilder();
            }
            b.append(new String(buf, pos, lim - pos, StandardCharsets.ISO_8859_1));
            pos = lim;
            if (b.length() > MAX_HEADERS) {
                throw new IOException("line too long");
            }
            if (!fill()) {
                throw new IOException("connection closed");
            }
        }
    }

    /** Reads more into the (empty) buffer; false at end of stream. */
    private boolean fill() throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("scrape timed out");
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private static int parseInt(String s, String what) throws IOException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IOException("bad " + what + ": " + abbreviate(s));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        pos = 0;
        lim = 0;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
        }
    }
}
