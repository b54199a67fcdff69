package io.infergate.router.tls;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Certificate;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.router.RouterConfig;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.match.SocketKey;
import io.infergate.router.proxy.ProxySettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTP/2 on an HTTPS listener, negotiated with ALPN, with the JDK HttpClient and curl: requests,
 * an SSE stream whose events arrive one by one and which outlives the idle timeout, HTTP/1.1 for
 * clients that ask for it, and the listener's bounds on streams (body size, body-read timeout,
 * header list size). Also the TLS handshake timeout: a client that never sends its ClientHello is
 * closed.
 */
class Http2ListenerTest {

    private static final Issuer.Issued CA = Issuer.ca("h2 test CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued LEAF =
            Issuer.leaf(CA, List.of("localhost"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final String COMPLETION = "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":2}";
    /** 30 tokens 100 ms apart: about 3 s, longer than the 2 s idle timeout. */
    private static final String STREAM = "{\"model\":\"m\",\"prompt\":\"count\",\"max_tokens\":30,\"stream\":true}";

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;
    private static HttpClient h2;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("h2-0")
                .models("m")
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(Duration.ofMillis(100))
                .build());
        ListenerLimits d = ListenerLimits.defaults();
        router = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                new ListenerLimits(
                        64 * 1024,
                        d.maxConcurrentRequests(),
                        8 * 1024,
                        d.maxPrologueBytes(),
                        Duration.ofSeconds(2),
                        d.drainTimeout(),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        d.maxConcurrentStreams()),
                ProxySettings.defaults(),
                64 * 1024));
        port = Http.freePort();
        Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        Listener https = new Listener(
                "https",
                port,
                Listener.Protocol.HTTPS,
                Optional.empty(),
                Optional.empty(),
                List.of("secret/default/t"));
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(gateway("gw", https)),
                List.of(route("all")
                        .parents(parent("gw", "https"))
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build()),
                List.of(sims),
                List.of(),
                1,
                List.of(new Certificate("secret/default/t", LEAF.certificatePem(), LEAF.privateKeyPem())));
        assertEquals(200, router.put(snapshot).status());
        await().until(() -> router.app().isOpen(new SocketKey("127.0.0.1", port, true)));
        h2 = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(trusting())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        h2.close();
        router.close();
        pod.close();
    }

    private static SSLContext trusting() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CA.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder post(HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(body);
    }

    @Test
    void aCompletionOverH2() throws Exception {
        HttpResponse<String> res = h2.send(
                post(HttpRequest.BodyPublishers.ofString(COMPLETION)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(HttpClient.Version.HTTP_2, res.version(), "ALPN negotiated h2");
        assertTrue(res.body().contains("\"choices\""), res.body());
        assertTrue(res.headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void clientsAskingForHttp11GetIt() throws Exception {
        try (HttpClient h1 = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting())
                .build()) {
            HttpResponse<String> res = h1.send(
                    post(HttpRequest.BodyPublishers.ofString(COMPLETION)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            assertEquals(HttpClient.Version.HTTP_1_1, res.version());
        }
    }

    /**
     * The SSE events arrive one by one: the first before the upstream produced the last (30 tokens
     * 100 ms apart), and the stream, longer than the idle timeout, completes.
     */
    @Test
    void sseEventsArriveOneByOneAndTheStreamOutlivesTheIdleTimeout() throws Exception {
        HttpResponse<Stream<String>> res =
                h2.send(post(HttpRequest.BodyPublishers.ofString(STREAM)).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, res.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, res.version());
        List<Long> arrivals = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (Stream<String> lines = res.body()) {
            lines.filter(l -> l.startsWith("data: ")).forEach(l -> {
                arrivals.add(System.nanoTime());
                events.add(l);
            });
        }
        assertEquals("data: [DONE]", events.getLast());
        assertEquals(31, events.size(), "30 tokens and [DONE]");
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.getLast() - arrivals.getFirst());
        // buffered, they would arrive together; streamed, about 29 x 100 ms apart
        assertTrue(spreadMillis > 1000, "events arrived within " + spreadMillis + " ms: buffered");
    }

    @Test
    void aBodyAboveTheLimitGets413OnItsStream() throws Exception {
        String big = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(100 * 1024) + "\"}";
        HttpResponse<String> res =
                h2.send(post(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, res.statusCode(), res.body());
        assertEquals(HttpClient.Version.HTTP_2, res.version());
        // the connection and its other streams go on
        assertEquals(
                200,
                h2.send(
                                post(HttpRequest.BodyPublishers.ofString(COMPLETION))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());
    }

    /**
     * The body's first bytes, then nothing and no end: the stream's body read times out (1 s
     * here), the router answers 408 on that stream (the access log shows it; neither the JDK client
     * nor curl shows a response before its own upload ended) and frees it, and the connection
     * serves its next stream.
     */
    @Test
    void aStalledBodyTimesOutOnItsStream() throws Exception {
        HttpRequest.BodyPublisher stalling = new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    private final AtomicBoolean sent = new AtomicBoolean();

                    @Override
                    public void request(long n) {
                        if (sent.compareAndSet(false, true)) {
                            subscriber.onNext(ByteBuffer.wrap("{\"model\":\"m\",".getBytes(StandardCharsets.US_ASCII)));
                        }
                    }

                    @Override
                    public void cancel() {}
                });
            }
        };
        long before = router.app().clientTimeouts();
        CompletableFuture<HttpResponse<String>> stalled =
                h2.sendAsync(post(stalling).build(), HttpResponse.BodyHandlers.ofString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> router.app().clientTimeouts() > before);
            HttpResponse<String> next = h2.send(
                    post(HttpRequest.BodyPublishers.ofString(COMPLETION)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode(), next.body());
            assertEquals(HttpClient.Version.HTTP_2, next.version());
        } finally {
            stalled.cancel(true);
        }
    }

    private static Path curl() {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "curl is not installed: the curl cases are not run");
        return curl;
    }

    private static Path caFile() throws IOException {
        Path ca = Files.createTempFile("h2-ca", ".pem");
        Files.writeString(ca, CA.certificatePem());
        return ca;
    }

    @Test
    void aHeaderListAboveTheLimitIsRefused() throws Exception {
        HttpRequest req = post(HttpRequest.BodyPublishers.ofString(COMPLETION))
                .header("x-big", "v".repeat(16 * 1024))
                .build();
        int status;
        try {
            status = h2.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException refused) {
            status = -1; // the stream or the connection was reset: refused as well
        }
        assertNotEquals(200, status, "a 16 KiB header on an 8 KiB header limit was served");
        assertTrue(status == -1 || status == 431 || status == 400, "status " + status);
    }

    /** A client that opens TCP and sends nothing is closed after the handshake timeout (1 s here). */
    @Test
    void aClientThatNeverSendsItsClientHelloIsClosed() throws Exception {
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout(15_000);
            long start = System.nanoTime();
            int read;
            try {
                read = silent.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the router closed the connection");
            assertTrue(
                    System.nanoTime() - start < TimeUnit.SECONDS.toNanos(14),
                    "closed by the handshake timeout, not by the client's read timeout");
        }
    }

    @Test
    void curlStreamsOverHttp2() throws Exception {
        Path curl = curl();
        Path ca = caFile();
        try {
            Process p = new ProcessBuilder(
                            curl.toString(),
                            "-sS",
                            "-N",
                            "--http2",
                            "--cacert",
                            ca.toString(),
                            "-H",
                            "Content-Type: application/json",
                            "-d",
                            STREAM.replace("30", "5"),
                            "-w",
                            "\\nhttp_version=%{http_version} status=%{http_code}\\n",
                            "https://localhost:" + port + "/v1/completions")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("http_version=2 status=200"), out);
            assertEquals(6, out.lines().filter(l -> l.startsWith("data: ")).count(), out);
            assertTrue(out.contains("data: [DONE]"), out);
        } finally {
            Files.deleteIfExists(ca);
        }
    }
}
