package io.infergate.router.scrape;

import io.infergate.common.snapshot.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scrape loop on the wire, against a raw socket server that answers the n-th request (on any
 * connection) with a scripted reply: keep-alive reuse, closes, retries, hangs and garbage.
 */
class MetricsScraperWireTest {

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final List<String> requests = new ArrayList<>();
    /** Holds "HANG" replies open until the test is over. */
    private final CountDownLatch over = new CountDownLatch(1);

    private MetricsScraper scraper;

    /**
     * Serves: for the n-th request, writes {@code reply.apply(n)} (then closes for HTTP/1.0 or
     * Connection: close); null closes the connection without answering; "HANG" answers nothing.
     */
    private Endpoint serve(IntFunction<String> reply) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> handle(s, reply));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new Endpoint("127.0.0.1", server.getLocalPort(), Optional.empty(), Map.of());
    }

    private void handle(Socket s, IntFunction<String> reply) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
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
                String r = reply.apply(served.getAndIncrement());
                if (r == null) {
                    return;
                }
                if (r.equals("HANG")) {
                    over.await();
                    return;
                }
                out.write(r.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (r.startsWith("HTTP/1.0") || r.contains("Connection: close")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test is over or the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        over.countDown();
        if (scraper != null) {
            scraper.close();
        }
        server.close();
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private MetricsScraper scrape(Endpoint e, Duration timeout) {
        scraper = new MetricsScraper(new ScrapeSettings(Duration.ofMillis(20), timeout, Duration.ofMillis(200), 4));
        scraper.follow(List.of(e));
        return scraper;
    }

    private int waiting(Endpoint e) {
        return scraper.latest(e.hostPort()).map(Metrics::waiting).orElse(-1);
    }

    @Test
    void oneKeptAliveConnectionCarriesEveryScrape() throws IOException {
        Endpoint e = serve(i -> ok("vllm:num_requests_waiting " + i + "\n"));
        scrape(e, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(e) >= 5);
        assertEquals(1, connections.get(), "one connection for " + served.get() + " scrapes");
        assertTrue(requests.getFirst().startsWith("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:"), requests.getFirst());
    }

    @Test
    void chunkedRepliesAndUtf8AdapterNames() throws IOException {
        String lora =
                "vllm:lora_requests_info{running_lora_adapters=\"é-1\",waiting_lora_adapters=\"\",max_lora=\"2\"} 5\n";
        Endpoint e = serve(i -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(lora.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + lora + "\r\n0\r\n\r\n");
        scrape(e, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scraper.latest(e.hostPort()).isPresent());
        assertEquals(
                java.util.Set.of("é-1"),
                scraper.latest(e.hostPort()).orElseThrow().runningLoras());
        assertEquals(2, scraper.latest(e.hostPort()).orElseThrow().maxLora());
    }

    @Test
    void closesAreFollowedByNewConnections() throws IOException {
        Endpoint e = serve(i -> i % 2 == 0
                ? "HTTP/1.0 200 OK\r\n\r\nvllm:num_requests_waiting " + i + "\n"
                : "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 29\r\n\r\nvllm:num_requests_waiting "
                        + (i % 10) + "\n\n");
        scrape(e, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= 6);
        assertTrue(connections.get() >= 6, "each close is followed by a new connection: " + connections.get());
        assertTrue(waiting(e) >= 0);
    }

    @Test
    void aKeptAliveConnectionTheServerDroppedIsRetriedAtOnce() throws IOException {
        // request 1 (on the kept-alive connection) is dropped unanswered; the retry is request 2
        Endpoint e = serve(i -> i == 1 ? null : ok("vllm:num_requests_waiting " + i + "\n"));
        scrape(e, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(e) >= 2);
        assertEquals(0, scraper.failed(), "the retry saved the scrape");
        assertEquals(2, connections.get(), "the dropped connection was replaced once");
    }

    @Test
    void aServerThatStopsAnsweringLeavesAStaleSampleAndIsTimedOut() throws IOException {
        Endpoint e = serve(i -> i < 3 ? ok("vllm:num_requests_waiting 7\n") : "HANG");
        scrape(e, Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(e) == 7);
        long stamp = scraper.latest(e.hostPort()).orElseThrow().scrapedAtNanos();
        // Each hung scrape times out, the connection is dropped, and the next scrape opens a new one.
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() >= 3 && scraper.failed() >= 2);
        assertEquals(7, waiting(e), "the last good sample stays");
        long later = scraper.latest(e.hostPort()).orElseThrow().scrapedAtNanos();
        assertTrue(later - stamp < Duration.ofMillis(200).toNanos(), "no newer sample while hung");
    }

    @Test
    void garbageGivesNoSample() throws IOException {
        Endpoint e = serve(i -> "SSH-2.0-OpenSSH\r\n\r\n");
        scrape(e, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= 2);
        assertTrue(scraper.latest(e.hostPort()).isEmpty());
        assertEquals(0, scraper.succeeded());
        assertTrue(connections.get() >= 2, "the broken connection is not reused");
    }
}
