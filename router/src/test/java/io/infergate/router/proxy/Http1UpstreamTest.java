package io.infergate.router.proxy;

import io.infergate.common.snapshot.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Http1Upstream} and {@link Http1Response} against a scripted endpoint on a real socket: each
 * accepted connection reads requests (head and Content-Length or chunked body) and answers each with
 * the raw bytes the test's script returns for it (null: close the connection instead).
 */
class Http1UpstreamTest {

    /** One request as the endpoint read it. */
    record Seen(int connection, String head, byte[] body) {}

    private final ServerSocket server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Seen, String> script = s -> ok("hello");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Http1Upstream client = new Http1Upstream(Duration.ofSeconds(2), timer);

    Http1UpstreamTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        timer.shutdownNow();
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                byte[] body = readBody(in, head);
                Seen one = new Seen(id, head, body);
                seen.add(one);
                String answer = script.apply(one);
                if (answer == null) {
                    return;
                }
                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                if (answer.contains("\r\nConnection: close\r\n") || answer.startsWith("HTTP/1.1 200 until-close")) {
                    return;
                }
                if (head.startsWith("GET /close-after ")) {
                    s.close();
                    closedAfter.incrementAndGet();
                    return;
                }
            }
        } catch (IOException e) {
            // the test closed it
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        int cl = lower.indexOf("\r\ncontent-length: ");
        if (cl >= 0) {
            int end = lower.indexOf("\r\n", cl + 2);
            return in.readNBytes(Integer.parseInt(lower.substring(cl + 18, end).trim()));
        }
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size, 16);
                if (n == 0) {
                    line(in);
                    return body.toByteArray();
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        return new byte[0];
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("eof");
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.getLocalPort(), Optional.empty(), Map.of());
    }

    private UpstreamResponse send(String method, Upstream.Body body) throws Upstream.UpstreamException {
        HeaderList headers = new HeaderList();
        headers.add("Host", "model.example");
        headers.add("Content-Length", "999"); // the client's: replaced by the body actually sent
        return client.send(endpoint(), method, "/v1/x?q=1", headers, body, Duration.ofSeconds(2));
    }

    private static String read(UpstreamResponse r) throws IOException {
        try (r) {
            return new String(r.inputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void sendsOneHeadWithTheBodysLengthAndReusesTheConnection() throws Exception {
        assertEquals(
                "hello", read(send("POST", new Upstream.Body.Bytes("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))));
        UpstreamResponse second = send("GET", new Upstream.Body.None());
        assertEquals(200, second.status().code());
        assertEquals("text/plain", second.contentType());
        assertEquals(5, second.contentLength());
        assertEquals("hello", read(second));
        assertEquals(2, seen.size());
        assertEquals(1, seen.get(1).connection(), "the second request reused the first connection");
        String head = seen.get(0).head();
        assertTrue(head.startsWith("POST /v1/x?q=1 HTTP/1.1\r\nHost: model.example\r\n"), head);
        assertTrue(head.contains("\r\nContent-Length: 7\r\n") && !head.contains("999"), head);
        assertTrue(head.contains("\r\nConnection: keep-alive\r\n"), head);
        assertArrayEquals(
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8), seen.get(0).body());
        assertTrue(
                seen.get(1).head().contains("\r\nContent-Length: 0\r\n"),
                seen.get(1).head());
    }

    @Test
    void aStreamedBodyOfUnknownLengthGoesChunked() throws Exception {
        byte[] big = new byte[40_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        read(send("POST", new Upstream.Body.Stream(new ByteArrayInputStream(big), -1)));
        assertTrue(
                seen.get(0).head().contains("\r\nTransfer-Encoding: chunked\r\n"),
                seen.get(0).head());
        assertArrayEquals(big, seen.get(0).body());
    }

    @Test
    void chunkedResponsesAreDecodedWithExtensionsAndTrailersAndTheConnectionIsReused() throws Exception {
        script = s -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1 \r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: t\r\n\r\n";
        UpstreamResponse r = send("GET", new Upstream.Body.None());
        assertEquals(-1, r.contentLength());
        assertEquals("hello world!", read(r));
        script = s -> ok("again");
        assertEquals("again", read(send("GET", new Upstream.Body.None())));
        assertEquals(1, connections.get());
    }

    @Test
    void headAnd204And304HaveNoBodyWhateverTheirHeadersSay() throws Exception {
        script = s -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        UpstreamResponse head = send("HEAD", new Upstream.Body.None());
        assertEquals(100, head.contentLength());
        assertEquals("", read(head));
        script = s -> "HTTP/1.1 204 No Content\r\n\r\n";
        assertEquals("", read(send("GET", new Upstream.Body.None())));
        script = s -> "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
        assertEquals("", read(send("GET", new Upstream.Body.None())));
        script = s -> ok("after");
        assertEquals("after", read(send("GET", new Upstream.Body.None())));
        assertEquals(1, connections.get(), "every bodiless answer left the connection reusable");
    }

    @Test
    void interimResponsesAreDroppedAndTheReasonPhraseKept() throws Exception {
        script = s -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + "HTTP/1.1 201 Made It\r\nContent-Length: 2\r\n\r\nok";
        UpstreamResponse r = send("POST", new Upstream.Body.Bytes(new byte[] {1}));
        assertEquals(201, r.status().code());
        assertEquals("Made It", r.status().reasonPhrase());
        assertEquals(null, r.headers().first("link"));
        assertEquals("ok", read(r));
    }

    @Test
    void aBodyWithoutLengthRunsUntilCloseAndTheConnectionIsNotReused() throws Exception {
        script = s -> "HTTP/1.1 200 until-close\r\n\r\nall of it";
        assertEquals("all of it", read(send("GET", new Upstream.Body.None())));
        script = s -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx";
        assertEquals("x", read(send("GET", new Upstream.Body.None())));
        script = s -> ok("third");
        assertEquals("third", read(send("GET", new Upstream.Body.None())));
        assertEquals(3, connections.get());
    }

    @Test
    void anUnreadBodyClosesTheConnectionInsteadOfReusingIt() throws Exception {
        send("GET", new Upstream.Body.None()).close();
        read(send("GET", new Upstream.Body.None()));
        assertEquals(2, connections.get());
    }

    @Test
    void aTruncatedBodyFailsTheRead() throws Exception {
        script = s -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort";
        assertThrows(IOException.class, () -> read(send("GET", new Upstream.Body.None())));
        script = s -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhelloXX";
        assertThrows(IOException.class, () -> read(send("GET", new Upstream.Body.None())));
    }

    @Test
    void malformedHeadsAreResets() {
        for (String bad : List.of(
                "HTTP/2 200 OK\r\n\r\n",
                "HTTP/1.1 2000 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
                "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: " + "y".repeat(20_000) + "\r\n\r\n")) {
            script = s -> bad;
            Upstream.UpstreamException e =
                    assertThrows(Upstream.UpstreamException.class, () -> send("GET", new Upstream.Body.None()), bad);
            assertEquals(Upstream.Failure.RESET, e.failure(), bad);
        }
    }

    @Test
    void silenceIsATimeoutAndARefusedConnectionAConnectFailure() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        script = s -> {
            try {
                answered.await(10, TimeUnit.SECONDS); // silent until the client has timed out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        HeaderList headers = new HeaderList();
        headers.add("Host", "h");
        Upstream.UpstreamException timeout = assertThrows(
                Upstream.UpstreamException.class,
                () -> client.send(endpoint(), "GET", "/", headers, new Upstream.Body.None(), Duration.ofMillis(100)));
        answered.countDown();
        assertEquals(Upstream.Failure.TIMEOUT, timeout.failure());
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Upstream.UpstreamException refused = assertThrows(
                Upstream.UpstreamException.class,
                () -> client.send(
                        new Endpoint("127.0.0.1", port, Optional.empty(), Map.of()),
                        "GET",
                        "/",
                        headers,
                        new Upstream.Body.None(),
                        Duration.ofSeconds(1)));
        assertEquals(Upstream.Failure.CONNECT, refused.failure());
    }

    @Test
    void aPooledConnectionTheEndpointClosedIsStaleAndAnIdleOneIsProbedFirst() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        script = s -> answered.incrementAndGet() == 1 ? ok("1") : null;
        read(send("GET", new Upstream.Body.None()));
        // the endpoint reads the next request and closes without an answer: reused, nothing read back
        Upstream.UpstreamException stale =
                assertThrows(Upstream.UpstreamException.class, () -> send("GET", new Upstream.Body.None()));
        assertEquals(Upstream.Failure.STALE, stale.failure());

        // an endpoint that closes a keep-alive connection after answering: found closed before reuse
        script = s -> ok("2");
        HeaderList headers = new HeaderList();
        headers.add("Host", "h");
        read(client.send(endpoint(), "GET", "/close-after", headers, new Upstream.Body.None(), Duration.ofSeconds(1)));
        int before = connections.get();
        await().atMost(5, TimeUnit.SECONDS).until(() -> closedAfter.get() == 1);
        // idle longer than the probe threshold, so the pooled connection is checked before use
        await().pollDelay(Duration.ofNanos(Http1Upstream.PROBE_AFTER_NANOS).plusMillis(50))
                .atMost(5, TimeUnit.SECONDS)
                .until(() -> true);
        assertEquals("2", read(send("GET", new Upstream.Body.None())));
        assertEquals(before + 1, connections.get(), "the closed connection was found before use");
    }

    /**
     * The read timeout also bounds each body read, and it is the exchange's own: a pooled
     * connection used with a short timeout before keeps no trace of it (ReadDeadlines, no SO_TIMEOUT).
     */
    @Test
    void aStalledBodyTimesOutAndEachExchangeHasItsOwnReadTimeout() throws Exception {
        HeaderList headers = new HeaderList();
        headers.add("Host", "h");
        script = s -> {
            if (s.head().startsWith("GET /slow ")) {
                // answers well after the first exchange's 100 ms (plus the sweeper's lateness) would have cut it
                await().pollDelay(ReadDeadlines.TICK.multipliedBy(4).plusMillis(150))
                        .atMost(5, TimeUnit.SECONDS)
                        .until(() -> true);
                return ok("late");
            }
            if (s.head().startsWith("GET /stall ")) {
                return "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"; // and then nothing
            }
            return ok("fast");
        };
        assertEquals(
                "fast",
                read(client.send(endpoint(), "GET", "/", headers, new Upstream.Body.None(), Duration.ofMillis(100))));
        // the same pooled connection with a 5 s timeout: an answer after 250 ms is no timeout
        assertEquals(
                "late",
                read(client.send(
                        endpoint(), "GET", "/slow", headers, new Upstream.Body.None(), Duration.ofSeconds(5))));
        assertEquals(1, connections.get(), "one pooled connection served both");

        UpstreamResponse r =
                client.send(endpoint(), "GET", "/stall", headers, new Upstream.Body.None(), Duration.ofMillis(100));
        InputStream in = r.inputStream();
        IOException stalled = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(stalled instanceof java.net.SocketTimeoutException, String.valueOf(stalled));
        r.close();
        client.close();
        assertEquals(0, client.deadlines().size(), "closed connections leave the sweeper");
    }

    private final AtomicInteger closedAfter = new AtomicInteger();

    @Test
    void closingFromAnotherThreadEndsABlockedBodyRead() throws Exception {
        script = s -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"; // and then nothing
        UpstreamResponse r = send("GET", new Upstream.Body.None());
        InputStream in = r.inputStream();
        assertEquals('p', in.read());
        // the rest is read on a virtual thread, which parks while its socket read blocks
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                in.readAllBytes();
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        await().atMost(5, TimeUnit.SECONDS)
                .until(() ->
                        reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING);
        r.close();
        assertTrue(reader.join(Duration.ofSeconds(5)), "the blocked read ended");
        assertTrue(ended.get() instanceof IOException, String.valueOf(ended.get()));
        // ended by the close, not by the 2 s read timeout that would also end it
        assertTrue(!(ended.get() instanceof java.net.SocketTimeoutException), String.valueOf(ended.get()));
    }

    @Test
    void fieldsThatWouldSplitTheRequestAreLeftOutAndOddTargetCharactersEncoded() throws Exception {
        HeaderList headers = new HeaderList();
        headers.add("Host", "h");
        headers.add("X-Evil", "a\r\nX-Injected: 1");
        headers.add("", "empty name");
        headers.add("X-Name", "J\u00fcrgen \u20ac");
        read(client.send(
                endpoint(), "GET", "/a b\u00ff\u20ac?q=/x", headers, new Upstream.Body.None(), Duration.ofSeconds(1)));
        String head = seen.get(0).head();
        assertTrue(head.startsWith("GET /a%20b%FF%E2%82%AC?q=/x HTTP/1.1\r\nHost: h\r\n"), head);
        assertTrue(!head.contains("Injected") && !head.contains("empty name") && !head.contains("Evil"), head);
        // ISO-8859-1 characters as one byte, others as UTF-8 (read back here as ISO-8859-1)
        assertTrue(head.contains("X-Name: J\u00fcrgen \u00e2\u0082\u00ac\r\n"), head);
    }
}
