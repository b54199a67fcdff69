package io.infergate.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One raw TCP connection for framing tests: writes exactly the bytes given and parses every
 * HTTP/1.1 response that comes back until the server closes the connection (or a read times out).
 */
public final class RawConnection implements AutoCloseable {

    /** One parsed response. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /** Every response read, and whether the server closed the connection after them. */
    public record Outcome(List<Response> responses, boolean closedByServer) {
        public List<Integer> statuses() {
            return responses.stream().map(Response::status).toList();
        }
    }

    private final Socket socket;

    private RawConnection(Socket socket) {
        this.socket = socket;
    }

    public static RawConnection open(String host, int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            return new RawConnection(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawConnection open(int port) {
        return open("127.0.0.1", port);
    }

    /** Writes bytes; a server that already closed the connection is not an error here. */
    public RawConnection write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (SocketException e) {
            // the server closed (and reset) the connection: the reads below show what it answered
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RawConnection write(String ascii) {
        return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Stops sending (half-close), so that a server waiting for more sees the end. */
    public RawConnection shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // already closed
        }
        return this;
    }

    public void readTimeoutMillis(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads responses until the server closes the connection or nothing arrives for the read
     * timeout; {@link Outcome#closedByServer} tells which.
     */
    public Outcome readAll() {
        byte[] all = drain();
        boolean closed = closedSeen;
        return new Outcome(parse(all), closed);
    }

    private boolean closedSeen;

    private byte[] drain() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    closedSeen = true;
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            closedSeen = false;
        } catch (SocketException e) {
            closedSeen = true; // reset by the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses concatenated responses (Content-Length, chunked or close-delimited bodies). */
    public static List<Response> parse(byte[] bytes) {
        List<Response> out = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", pos);
            if (headEnd < 0 || !text.startsWith("HTTP/1.", pos)) {
                throw new IllegalStateException("not an HTTP response at " + pos + ": " + text.substring(pos));
            }
            String[] lines = text.substring(pos, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int bodyStart = headEnd + 4;
            String body;
            if (headers.containsKey("content-length")) {
                int len = Integer.parseInt(headers.get("content-length"));
                body = text.substring(bodyStart, Math.min(text.length(), bodyStart + len));
                pos = bodyStart + len;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder b = new StringBuilder();
                int p = bodyStart;
                while (true) {
                    int eol = text.indexOf("\r\n", p);
                    int size = Integer.parseInt(
                            text.substring(p, eol).split(";")[0].trim(), 16);
                    p = eol + 2;
                    if (size == 0) {
                        p = text.indexOf("\r\n\r\n", p - 2) + 4;
                        break;
                    }
                    b.append(text, p, p + size);
                    p += size + 2;
                }
                body = b.toString();
                pos = p;
            } else {
                body = text.substring(bodyStart);
                pos = text.length();
            }
            out.add(new Response(status, headers, body));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
