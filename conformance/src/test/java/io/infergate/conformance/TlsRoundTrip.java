package io.infergate.conformance;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The suite's HTTPS client, playing upstream's {@code MakeTLSRequestAndExpectEventuallyConsistentResponse}:
 * the SNI server name and the Host header are set independently, the server's chain must verify
 * against the suite's CA, HTTP/1.1 on a new connection per request ({@code Connection: close}), a
 * fresh TLS context each time (the JDK would otherwise resume a session and send its old SNI).
 */
final class TlsRoundTrip {

    private final X509Certificate ca;

    TlsRoundTrip(X509Certificate ca) {
        this.ca = ca;
    }

    RoundTrip.Response send(String address, int port, String sni, RoundTrip.Request request) {
        try (SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket(address, port)) {
            socket.setSoTimeout(20_000);
            SSLParameters p = socket.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(p);
            socket.startHandshake();
            StringBuilder head = new StringBuilder(request.method() + " " + request.path() + " HTTP/1.1\r\n");
            head.append("Host: ")
                    .append(request.host().isEmpty() ? address + ":" + port : request.host())
                    .append("\r\n");
            request.headers()
                    .forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
            head.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = Integer.parseInt(line(in).split(" ")[1]);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.computeIfAbsent(h.substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            byte[] raw = in.readAllBytes();
            List<String> te = headers.get("transfer-encoding");
            String body = te != null && te.getFirst().toLowerCase(Locale.ROOT).contains("chunked")
                    ? dechunk(raw)
                    : new String(raw, StandardCharsets.UTF_8);
            return new RoundTrip.Response(status, headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SSLContext context() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
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
            int eol = pos;
            while (eol + 1 < raw.length && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
                eol++;
            }
            int size = Integer.parseInt(new String(raw, pos, eol - pos, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(new String(raw, eol + 2, size, StandardCharsets.UTF_8));
            pos = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
