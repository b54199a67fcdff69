package io.infergate.router.testing;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over TLS on a raw socket, so that a test sets the SNI server name and the
 * Host header independently (as the Gateway API conformance client does) and sees which
 * certificate the server sent. The server's chain must verify against {@code ca}.
 */
public final class TlsClient {

    /**
     * A response.
     *
     * @param status      the status code
     * @param headers     lower-case names, last value wins
     * @param body        the body, de-chunked
     * @param certificate the leaf certificate the server sent
     */
    public record Reply(int status, Map<String, String> headers, String body, X509Certificate certificate) {
        /** The first DNS subject alternative name of the served certificate. */
        public String servedName() {
            try {
                return (String) certificate
                        .getSubjectAlternativeNames()
                        .iterator()
                        .next()
                        .get(1);
            } catch (java.security.cert.CertificateParsingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final X509Certificate ca;

    public TlsClient(X509Certificate ca) {
        this.ca = ca;
    }

    /**
     * A context per connection: the JDK client resumes a cached session by address and port and
     * then sends that session's SNI instead of the one asked for, which would make the rows of a
     * table depend on the rows before them.
     */
    private SSLContext context() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a TLS connection with {@code sni} (null: none sent) and completes the handshake.
     */
    public SSLSocket connect(int port, String sni) throws IOException {
        SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        SSLParameters p = socket.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        socket.setSSLParameters(p);
        socket.startHandshake();
        return socket;
    }

    /** One request on a new connection ({@code Connection: close}); {@code body} null sends none. */
    public Reply send(int port, String sni, String host, String method, String path, String body) throws IOException {
        try (SSLSocket socket = connect(port, sni)) {
            write(socket.getOutputStream(), host, method, path, body, true);
            return read(socket);
        }
    }

    /** Writes one request. */
    public static void write(OutputStream out, String host, String method, String path, String body, boolean close)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n")
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** Reads a whole response to the end of the connection. */
    public static Reply read(SSLSocket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String status = line(in);
        Map<String, String> headers = headers(in);
        byte[] raw = in.readAllBytes();
        String body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                ? dechunk(raw)
                : new String(raw, StandardCharsets.UTF_8);
        return new Reply(Integer.parseInt(status.split(" ")[1]), headers, body, (X509Certificate)
                socket.getSession().getPeerCertificates()[0]);
    }

    /** The header section after the status line, lower-case names. */
    public static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(
                    h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    h.substring(colon + 1).trim());
        }
        return headers;
    }

    /** One CRLF-terminated line, without the CRLF. */
    public static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static String dechunk(byte[] raw) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < raw.length) {
            int eol = indexOf(raw, pos);
            int size = Integer.parseInt(new String(raw, pos, eol - pos, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(new String(raw, eol + 2, size, StandardCharsets.UTF_8));
            pos = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return raw.length;
    }
}
