package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RawConnection;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the client watch on (the default), connections that stay open behave as without it: the
 * watch of a finished request is gone without the client doing anything (no read, no wait for the
 * next request), the next request on the connection is served, and pipelined requests are served
 * in order with nothing consumed by the watch. Ordering and state only, no timings.
 */
class KeepAliveWatchTest {

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("ka-0")
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ZERO)
                .build());
        router = RouterFixture.start();
        port = Http.freePort();
        Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        Backend.Service echo = service("echo", 80, endpoint("127.0.0.1", pod.port(), pod.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("all")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .rule(rule(prefix("/")).backend(echo.id()))
                        .build()),
                List.of(sims, echo)));
        assertEquals(200, put.status(), put.body());
        assertTrue(ClientWatch.supported(), "client watching works on this JVM (Linux, flags from the pom)");
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static String get(String path, boolean close) {
        return "GET " + path + " HTTP/1.1\r\nHost: ka.test\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
    }

    private static String completion(String prompt) {
        String body = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}";
        return "POST /v1/completions HTTP/1.1\r\nHost: ka.test\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Reads exactly one response with a Content-Length body; the connection stays usable. */
    private static RawConnection.Response readOne(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the connection ended inside a response head: " + head);
            head.write(b);
        }
        Matcher m =
                Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head.toString(StandardCharsets.ISO_8859_1));
        assertTrue(m.find(), "a Content-Length response: " + head);
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        byte[] all = new byte[head.size() + body.length];
        System.arraycopy(head.toByteArray(), 0, all, 0, head.size());
        System.arraycopy(body, 0, all, head.size(), body.length);
        return RawConnection.parse(all).getFirst();
    }

    @Test
    void theWatchOfAFinishedRequestEndsWithoutTheClientAndTheNextRequestIsServed() throws Exception {
        int before = ClientWatch.watched();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(get("/ka/1", false).getBytes(StandardCharsets.US_ASCII));
            RawConnection.Response first = readOne(s.getInputStream());
            assertEquals(200, first.status(), first.toString());
            assertTrue(first.body().contains("\"path\":\"/ka/1\""), first.body());
            // the client sends nothing and stays connected: the watch must still be gone
            await().atMost(Duration.ofSeconds(10)).until(() -> ClientWatch.watched() == before);
            s.getOutputStream().write(completion("next on the same connection").getBytes(StandardCharsets.US_ASCII));
            RawConnection.Response second = readOne(s.getInputStream());
            assertEquals(200, second.status(), second.toString());
            assertTrue(second.body().contains("\"choices\""), second.body());
            s.getOutputStream().write(get("/ka/3", true).getBytes(StandardCharsets.US_ASCII));
            RawConnection.Response third = readOne(s.getInputStream());
            assertTrue(third.body().contains("\"path\":\"/ka/3\""), third.body());
            assertEquals(-1, s.getInputStream().read(), "Connection: close ends the connection after the answer");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ClientWatch.watched() == before);
    }

    @Test
    void pipelinedRequestsAreServedInOrder() {
        int before = ClientWatch.watched();
        String wire = get("/pipe/1", false)
                + completion("second")
                + get("/pipe/3", false)
                + completion("fourth")
                + get("/pipe/5", true);
        try (RawConnection c = RawConnection.open(port)) {
            RawConnection.Outcome out = c.write(wire).readAll();
            assertEquals(
                    List.of(200, 200, 200, 200, 200),
                    out.statuses(),
                    out.responses().toString());
            assertTrue(out.responses().get(0).body().contains("\"path\":\"/pipe/1\""));
            assertTrue(out.responses().get(1).body().contains("\"choices\""));
            assertTrue(out.responses().get(2).body().contains("\"path\":\"/pipe/3\""));
            assertTrue(out.responses().get(3).body().contains("\"choices\""));
            assertTrue(out.responses().get(4).body().contains("\"path\":\"/pipe/5\""));
            assertTrue(out.closedByServer());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ClientWatch.watched() == before);
    }
}
