package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that leaves while the model server is in prefill (nothing flowing, before or after
 * the response headers) cancels the upstream request at once: the upstream connection is closed
 * within seconds, not after the 300 s read timeout. The upstream here is a raw socket that reads
 * the request, optionally sends headers and one event, then stays silent and reports when the
 * router closes the connection.
 */
class ClientDisconnectTest {

    private static RouterFixture router;
    private static ServerSocket upstream;
    private static int port;
    /** What the silent upstream saw, one entry per inference request: "closed after <ms>". */
    private static final BlockingQueue<Long> CLOSED_AFTER = new LinkedBlockingQueue<>();

    private static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(ClientDisconnectTest::serve);
        router = RouterFixture.start();
        port = Http.freePort();
        Backend.InferencePool silent = pool("silent", endpoint("127.0.0.1", upstream.getLocalPort(), "silent"));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(silent.id()))
                        .build()),
                List.of(silent)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() throws IOException {
        router.close();
        upstream.close();
    }

    private static void serve() {
        while (!upstream.isClosed()) {
            try {
                Socket s = upstream.accept();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** GET /metrics (and anything but a POST): 404 and close. A completion: headers (and one event) when the prompt says so, then silence. */
    private static void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("POST")) {
                s.getOutputStream()
                        .write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            byte[] body = in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
            String text = new String(body, StandardCharsets.UTF_8);
            RECEIVED.add(text);
            if (text.contains("headers-first")) {
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + chunk("data: {\"choices\":[{\"text\":\"a\"}]}\n\n"))
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            long t0 = System.nanoTime();
            int b = in.read(); // blocks until the router closes the connection (or 60 s pass)
            CLOSED_AFTER.add(b < 0 ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) : -1);
        } catch (IOException e) {
            CLOSED_AFTER.add(0L);
        }
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Sends a completion over a raw socket; when {@code readFirstEvent}, reads the response up to
     * the end of its first event (so nothing the router sent is left unread); then closes.
     */
    private static void sendAndLeave(String prompt, boolean readFirstEvent) throws Exception {
        String body = "{\"model\":\"m\",\"prompt\":\"" + prompt + "\",\"stream\":true}";
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream()
                    .write(("POST /v1/completions HTTP/1.1\r\nHost: llm.test\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                    + body)
                            .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertNotNull(RECEIVED.poll(10, TimeUnit.SECONDS), "the request reached the upstream");
            if (readFirstEvent) {
                StringBuilder seen = new StringBuilder();
                InputStream in = client.getInputStream();
                while (!seen.toString().contains("}]}\n\n")) {
                    int b = in.read();
                    assertTrue(b >= 0, "the response ended early: " + seen);
                    seen.append((char) b);
                }
                assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());
            }
        }
    }

    private static double disconnects(String phase) {
        String text = router.observe("/observe/metrics").body();
        Matcher m = Pattern.compile("(?m)^infergate_router_client_disconnects_total\\{[^}]*phase=\"" + phase
                        + "\"[^}]*} ([0-9.E+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aClientLeavingBeforeTheResponseHeadersCancelsTheUpstreamRequest() throws Exception {
        sendAndLeave("silent prefill", false);
        Long after = CLOSED_AFTER.poll(10, TimeUnit.SECONDS);
        assertNotNull(after, "the upstream connection was not closed within 10 s of the client leaving");
        assertTrue(after >= 0, "closed, not written to");
        await().atMost(Duration.ofSeconds(5)).until(() -> disconnects("before_headers") == 1);
    }

    @Test
    void aClientLeavingDuringASilentStreamCancelsTheUpstreamRequest() throws Exception {
        sendAndLeave("headers-first then prefill", true);
        Long after = CLOSED_AFTER.poll(10, TimeUnit.SECONDS);
        assertNotNull(after, "the upstream connection was not closed within 10 s of the client leaving");
        assertTrue(after >= 0, "closed, not written to");
        await().atMost(Duration.ofSeconds(5)).until(() -> disconnects("during_body") == 1);
    }
}
