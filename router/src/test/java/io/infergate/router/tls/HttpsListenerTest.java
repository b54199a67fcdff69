package io.infergate.router.tls;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Certificate;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.router.match.SocketKey;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.router.testing.TlsClient;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.parent;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS listeners end to end with certificates made in the test: three listeners on one TLS
 * socket (exact hostname, wildcard, none), the certificate each SNI gets, the default without
 * SNI, 421 when SNI and Host select different listeners, and rotation while a stream is open.
 */
class HttpsListenerTest {

    private static final Issuer.Issued CA = Issuer.ca("test CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final String COMPLETION = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hi\",\"max_tokens\":2}";

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static TlsClient client;
    private static int port;
    private static Backend.InferencePool sims;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("tls-0")
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(Duration.ofMillis(150))
                .build());
        router = RouterFixture.start();
        client = new TlsClient(CA.certificate());
        port = Http.freePort();
        sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        assertEquals(200, router.put(snapshot(leaf("a.example.com"))).status());
        await().until(() -> router.app().isOpen(new SocketKey("127.0.0.1", port, true)));
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static Issuer.Issued leaf(String name) {
        return Issuer.leaf(CA, List.of(name), Issuer.KeyType.EC_P256, Duration.ofDays(1));
    }

    private static final Issuer.Issued WILDCARD = leaf("*.w.example.com");
    private static final Issuer.Issued ANY = leaf("any.example.com");

    /** Listeners a (a.example.com), w (*.w.example.com), any (no hostname) on one TLS port. */
    private static Snapshot snapshot(Issuer.Issued forA) {
        List<Certificate> certs = List.of(
                new Certificate("secret/default/a", forA.certificatePem(), forA.privateKeyPem()),
                new Certificate("secret/default/w", WILDCARD.certificatePem(), WILDCARD.privateKeyPem()),
                new Certificate("secret/default/any", ANY.certificatePem(), ANY.privateKeyPem()));
        var gw = gateway(
                "gw",
                https("a", "a.example.com", "secret/default/a"),
                https("w", "*.w.example.com", "secret/default/w"),
                https("any", null, "secret/default/any"));
        var r = route("all")
                .parents(parent("gw", "a"), parent("gw", "w"), parent("gw", "any"))
                .rule(rule(prefix("/v1")).backend(sims.id()))
                .build();
        return new Snapshot(Snapshot.SCHEMA_VERSION, List.of(gw), List.of(r), List.of(sims), List.of(), 1, certs);
    }

    private static Listener https(String name, String hostname, String certificate) {
        return new Listener(
                name,
                port,
                Listener.Protocol.HTTPS,
                Optional.ofNullable(hostname),
                Optional.empty(),
                List.of(certificate));
    }

    @ParameterizedTest(name = "SNI {0}, Host {1} -> {2} with the certificate of {3}")
    @CsvSource(
            nullValues = "none",
            value = {
                "a.example.com, a.example.com, 200, a.example.com", // exact listener
                "x.w.example.com, x.w.example.com, 200, *.w.example.com", // wildcard listener
                "y.x.w.example.com, z.w.example.com, 200, *.w.example.com", // same wildcard listener
                "other.example.com, other.example.com, 200, any.example.com", // hostname-less listener
                "none, a.example.com, 200, any.example.com", // no SNI: default certificate, Host decides
                "none, x.w.example.com, 200, any.example.com",
                "a.example.com, x.w.example.com, 421, a.example.com", // SNI a, Host selects w
                "x.w.example.com, a.example.com, 421, *.w.example.com",
                "other.example.com, a.example.com, 421, any.example.com", // SNI selects any, Host a
                "a.example.com, other.example.com, 421, a.example.com"
            })
    void sniPicksTheCertificateAndMustAgreeWithHost(String sni, String host, int status, String served)
            throws IOException {
        TlsClient.Reply reply = client.send(port, sni, host, "POST", "/v1/completions", COMPLETION);
        assertEquals(status, reply.status(), reply.body());
        assertEquals(served, reply.servedName());
        if (status == 421) {
            assertTrue(reply.body().contains("\"code\":\"misdirected_request\""), reply.body());
        } else {
            assertTrue(reply.body().contains("\"choices\""), reply.body());
        }
    }

    @Test
    void aRotatedCertificateReachesNewConnectionsWhileAnOpenStreamCompletes() throws IOException {
        String stream = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"count\",\"max_tokens\":8,\"stream\":true}";
        try (SSLSocket old = client.connect(port, "a.example.com")) {
            String before = ((java.security.cert.X509Certificate)
                            old.getSession().getPeerCertificates()[0])
                    .getSerialNumber()
                    .toString(16);
            TlsClient.write(old.getOutputStream(), "a.example.com", "POST", "/v1/completions", stream, true);
            InputStream in = new BufferedInputStream(old.getInputStream());
            assertTrue(TlsClient.line(in).contains(" 200 "));
            Map<String, String> headers = TlsClient.headers(in);
            assertEquals("chunked", headers.get("transfer-encoding"));
            List<String> events = new ArrayList<>();
            String first = nextData(in);
            events.add(first);

            Issuer.Issued rotated = leaf("a.example.com");
            assertEquals(200, router.put(snapshot(rotated)).status()); // the Secret changed: a new snapshot
            TlsClient.Reply fresh =
                    client.send(port, "a.example.com", "a.example.com", "POST", "/v1/completions", COMPLETION);
            assertEquals(200, fresh.status());
            assertEquals(
                    rotated.certificate().getSerialNumber(), fresh.certificate().getSerialNumber());
            assertNotEquals(before, rotated.certificate().getSerialNumber().toString(16));

            for (String e = nextData(in); e != null; e = nextData(in)) {
                events.add(e);
            }
            assertEquals("data: [DONE]", events.getLast(), "the stream opened before the rotation completed");
            assertEquals(9, events.size(), "8 tokens and [DONE]");
        } finally {
            router.put(snapshot(leaf("a.example.com")));
        }
    }

    /** The next {@code data:} line of a chunked SSE body (chunk-size lines skipped), or null at the end. */
    private static String nextData(InputStream in) throws IOException {
        for (String line = TlsClient.line(in); ; line = TlsClient.line(in)) {
            if (line.startsWith("data: ")) {
                return line;
            }
            if (line.equals("0")) {
                return null;
            }
        }
    }
}
