package io.infergate.router.backendtls;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.common.tls.KeyMaterial;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.Test;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The router sends the policy's hostname as SNI, although it connects to a pod address: a plain
 * JDK TLS socket plays the backend and reports the server name the client asked for, and the
 * HTTP/1.1 it spoke.
 */
class SniTest {

    @Test
    void theSniIsThePolicyHostname() throws Exception {
        Issuer.Issued ca = Issuer.ca("sni CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Issuer.Issued leaf = Issuer.leaf(ca, List.of("abc.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        KeyMaterial material = KeyMaterial.parse(leaf.certificatePem(), leaf.privateKeyPem());
        keys.setKeyEntry("leaf", material.key(), new char[0], material.chain().toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket)
                        context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RouterFixture router = RouterFixture.start()) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> answerOnce(server));
            int port = Http.freePort();
            Backend.Service s = service("tls", 443, endpoint("127.0.0.1", server.getLocalPort(), null));
            Snapshot plain = snapshot(
                    List.of(gateway("gw", listener("http", port))),
                    List.of(route("r").rule(rule(prefix("/")).backend(s.id())).build()),
                    List.of(s));
            Snapshot with = new Snapshot(
                    plain.schemaVersion(),
                    plain.gateways(),
                    plain.routes(),
                    plain.backends(),
                    plain.objectives(),
                    plain.routers(),
                    plain.certificates(),
                    plain.authPolicies(),
                    plain.rateLimitPolicies(),
                    List.of(new BackendTls(
                            s.id(),
                            BackendTls.idOf("default", "sni"),
                            "abc.example.com",
                            List.of(),
                            List.of(ca.certificatePem()),
                            false)));
            assertEquals(200, router.put(with).status());
            Http.Reply r = router.http().get(port, "gw.test", "/sni");
            assertEquals(200, r.status(), r.body());
            assertEquals("sni=abc.example.com first-line=GET /sni HTTP/1.1", seen.get(10, TimeUnit.SECONDS));
        }
    }

    /** Accepts one connection, answers 200 and returns the SNI and the request line it saw. */
    private static String answerOnce(SSLServerSocket server) {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            List<String> names = ((ExtendedSSLSession) socket.getSession())
                    .getRequestedServerNames().stream()
                            .map(n -> n instanceof SNIHostName h ? h.getAsciiName() : n.toString())
                            .toList();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return "sni=" + String.join(",", names) + " first-line=" + line;
        } catch (java.io.IOException e) {
            return "failed: " + e;
        }
    }
}
