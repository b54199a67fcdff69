package io.infergate.router.listen;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.RouterConfig;
import io.infergate.router.proxy.ProxySettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RawConnection;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code max-concurrent-requests}: with that many streams open on a socket, one more request gets
 * the documented 503 {@code upstream_saturated} at once (bench/stream-memory.sh saw a 200 at
 * request 9,001 with the bound at 9,000), and once a stream ends its slot is free again.
 */
class ConcurrencyLimitTest {

    static final int LIMIT = 3;
    static final String MODEL = "Qwen2.5-0.5B-Instruct";

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        // the first token at once, the next after ten minutes: a stream stays open, nothing flows
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("slow-0")
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ofMinutes(10))
                .build());
        ListenerLimits d = ListenerLimits.defaults();
        router = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                new ListenerLimits(
                        d.maxPayloadBytes(),
                        LIMIT,
                        d.maxHeaderBytes(),
                        d.maxPrologueBytes(),
                        d.idleTimeout(),
                        Duration.ZERO),
                ProxySettings.defaults(),
                64 * 1024));
        port = Http.freePort();
        Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("all").rule(rule(prefix("/")).backend(sims.id())).build()),
                List.of(sims)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static byte[] streamRequest(String prompt) {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":3,\"stream\":true}";
        return ("POST /v1/completions HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Opens a stream and reads until its first event: it is then in flight on the router. */
    private static Socket openStream(int i) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(streamRequest("stream " + i));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (!seen.toString().contains("data:")) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IllegalStateException("stream " + i + " ended before its first event: " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());
        return s;
    }

    @Test
    void aRequestBeyondTheBoundGets503WhileStreamsAreOpen() throws IOException {
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                streams.add(openStream(i));
            }
            for (String path : List.of("/v1/completions", "/v1/models")) {
                try (RawConnection c = RawConnection.open(port)) {
                    c.write(
                            path.equals("/v1/models")
                                    ? "GET /v1/models HTTP/1.1\r\nHost: a.example\r\n\r\n"
                                    : new String(streamRequest("one too many"), StandardCharsets.US_ASCII));
                    RawConnection.Outcome o = c.readAll();
                    assertEquals(List.of(503), o.statuses(), o.responses().toString());
                    assertTrue(
                            o.responses().getFirst().body().contains("\"code\":\"upstream_saturated\""),
                            o.responses().toString());
                    assertTrue(o.closedByServer(), "a shed request closes its connection");
                }
            }
        } finally {
            for (Socket s : streams) {
                s.close();
            }
        }
        // the streams' slots are given back once their clients left
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (Socket s = openStream(99)) {
                assertTrue(s.isConnected());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
