package io.infergate.router.listen;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.RouterConfig;
import io.infergate.router.proxy.ProxySettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle timeout counts only time with no request in flight. Helidon 4.5.0's idle sweep measures
 * from the start of the last request, so a request (a long token stream) that outlived the idle
 * timeout left its keep-alive connection marked to close: the connection was closed right after
 * the response, without {@code Connection: close}, and a client that reused it at once for its
 * next request got no answer at all.
 */
class LongRequestKeepAliveTest {

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        // 40 tokens 100 ms apart: each stream lasts about 4 s, twice the 2 s idle timeout
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("slow-0")
                .models("m")
                .interTokenLatency(Duration.ofMillis(100))
                .build());
        ListenerLimits d = ListenerLimits.defaults();
        router = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                new ListenerLimits(
                        d.maxPayloadBytes(),
                        d.maxConcurrentRequests(),
                        d.maxHeaderBytes(),
                        d.maxPrologueBytes(),
                        Duration.ofSeconds(2),
                        d.drainTimeout(),
                        d.requestHeadersTimeout(),
                        d.bodyReadTimeout()),
                ProxySettings.defaults(),
                64 * 1024));
        port = Http.freePort();
        Backend.Service slow = service("slow", 80, endpoint("127.0.0.1", pod.port(), pod.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("all").rule(rule(prefix("/")).backend(slow.id())).build()),
                List.of(slow)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    @Test
    void aConnectionThatServedARequestLongerThanTheIdleTimeoutServesTheNextOne() throws IOException {
        String body = "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":40,\"stream\":true}";
        String request = "POST /v1/completions HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readChunkedResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 200 "), first);
            assertTrue(first.contains("data: [DONE]"), first);
            boolean closeAnnounced = first.substring(0, first.indexOf("\r\n\r\n"))
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("connection: close");
            // the client reuses the connection at once, as a keep-alive pool does
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = readChunkedResponse(in);
            assertTrue(
                    second.startsWith("HTTP/1.1 200 ") || closeAnnounced,
                    "the connection was closed without notice after a long request: '" + second + "'");
            assertTrue(second.contains("data: [DONE]"), second);
        }
    }

    /** Reads one response with a chunked body up to its last chunk; empty when the peer closed first. */
    private static String readChunkedResponse(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            got.write(b);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n") && text.endsWith("\r\n0\r\n\r\n")) {
                break;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }
}
