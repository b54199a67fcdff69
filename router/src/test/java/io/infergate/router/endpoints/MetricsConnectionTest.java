package io.infergate.router.endpoints;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scrape client against a raw socket server that answers each request with a scripted reply. */
class MetricsConnectionTest {

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new ArrayList<>();
    /** Holds "HANG" replies open until the test is over. */
    private final CountDownLatch over = new CountDownLatch(1);

    /**
     * Serves: for the n-th request on any connection, writes {@code reply.apply(n)} (then closes
     * for HTTP/1.0 or Connection: close); a null reply closes the connection without answering;
     * "HANG" answers nothing.
     */
    private MetricsConnection serve(IntFunction<String> reply) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger n = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> handle(s, n, reply));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new MetricsConnection("127.0.0.1", server.getLocalPort());
    }

    private void handle(Socket s, AtomicInteger n, IntFunction<String> reply) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                StringBuilder head = new StringBuilder();
                int c;
                while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                    head.append((char) c);
                }
                if (!head.toString().endsWith("\r\n\r\n")) {
                    return;
                }
                synchronized (requests) {
                    requests.add(head.toString());
                }
                String r = reply.apply(n.getAndIncrement());
                if (r == null) {
                    return;
                }
                if (r.equals("HANG")) {
                    over.await(); // answer nothing until the test ends
                    return;
                }
                out.write(r.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (r.startsWith("HTTP/1.0") || r.contains("Connection: close")) {
                    return; // the body ends with the connection
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test is over or the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        over.countDown();
        server.close();
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void contentLengthBodiesOnOneKeptAliveConnection() throws IOException {
        try (MetricsConnection c = serve(i -> ok("vllm:num_requests_waiting " + i + "\n"))) {
            for (int i = 0; i < 3; i++) {
                MetricsConnection.Response r = c.get(Duration.ofSeconds(2));
                assertEquals(200, r.status());
                assertEquals("vllm:num_requests_waiting " + i + "\n", r.body());
            }
            assertEquals(1, connections.get(), "one connection for three scrapes");
            assertTrue(requests.getFirst().startsWith("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:"), requests.getFirst());
        }
    }

    @Test
    void chunkedBodiesWithExtensionsAndTrailers() throws IOException {
        String reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=y\r\nvllm:\r\n" + "1a\r\nnum_requests_running 3 é\n\r\n" + "0\r\nX-Trailer: 1\r\n\r\n";
        try (MetricsConnection c = serve(i -> reply)) {
            assertEquals("vllm:num_requests_running 3 é\n", c.get(Duration.ofSeconds(2)).body());
            assertEquals("vllm:num_requests_running 3 é\n", c.get(Duration.ofSeconds(2)).body());
            assertEquals(1, connections.get());
        }
    }

    @Test
    void aBodyUntilCloseAndConnectionCloseReconnect() throws IOException {
        try (MetricsConnection c = serve(i -> i % 2 == 0
                ? "HTTP/1.0 200 OK\r\n\r\nold style " + i
                : "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy")) {
            assertEquals("old style 0", c.get(Duration.ofSeconds(2)).body());
            MetricsConnection.Response busy = c.get(Duration.ofSeconds(2));
            assertEquals(503, busy.status());
            assertEquals("busy", busy.body());
            assertEquals("old style 2", c.get(Duration.ofSeconds(2)).body());
            assertEquals(3, connections.get(), "each close is followed by a new connection");
        }
    }

    @Test
    void aKeptAliveConnectionTheServerDroppedIsRetriedOnce() throws IOException {
        // request 0 answered, request 1 (same connection) dropped unanswered, retried as request 2
        try (MetricsConnection c = serve(i -> i == 1 ? null : ok("n " + i))) {
            assertEquals("n 0", c.get(Duration.ofSeconds(2)).body());
            assertEquals("n 2", c.get(Duration.ofSeconds(2)).body());
            assertEquals(2, connections.get());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (MetricsConnection c = serve(i -> "HANG")) {
            assertThrows(SocketTimeoutException.class, () -> c.get(Duration.ofMillis(200)));
        }
    }

    @Test
    void garbageAndOversizedBodiesAreErrors() throws IOException {
        try (MetricsConnection c = serve(i -> i == 0 ? "SSH-2.0-OpenSSH\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: " + (MetricsConnection.MAX_BODY + 1) + "\r\n\r\n")) {
            assertEquals("not an HTTP/1.x response: SSH-2.0-OpenSSH",
                    assertThrows(IOException.class, () -> c.get(Duration.ofSeconds(2))).getMessage());
            assertTrue(assertThrows(IOException.class, () -> c.get(Duration.ofSeconds(2))).getMessage()
                    .contains("exceeds"));
        }
    }
}
