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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 framing on a public socket, over raw sockets (RFC 9112): bad framing is 400 and closes
 * the connection, nothing after an error that closes the connection is read as a request, chunk
 * extensions and trailers are accepted, HTTP/1.0 is refused with 505 and a precise body.
 */
class FramingTest {

    /** Small, so that an over-limit body is cheap to send. */
    static final int LIMIT = 4096;

    static final String MODEL = "Qwen2.5-0.5B-Instruct";

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("echo-0")
                .timeToFirstToken(Duration.ofMillis(1))
                .interTokenLatency(Duration.ofMillis(1))
                .build());
        ListenerLimits d = ListenerLimits.defaults();
        router = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                new ListenerLimits(
                        LIMIT,
                        d.maxConcurrentRequests(),
                        d.maxHeaderBytes(),
                        d.maxPrologueBytes(),
                        d.idleTimeout(),
                        d.drainTimeout()),
                ProxySettings.defaults(),
                64 * 1024));
        port = Http.freePort();
        Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("all")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .rule(rule(prefix("/")).backend("service/default/echo/80"))
                        .build()),
                List.of(sims, service("echo", 80, endpoint("127.0.0.1", pod.port(), pod.podName())))));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static String head(String method, String path, String... headers) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: a.example\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static String smuggled(String tag) {
        return "GET /smuggled-" + tag + " HTTP/1.1\r\nHost: a.example\r\n\r\n";
    }

    private static RawConnection.Outcome exchange(String... writes) {
        try (RawConnection c = RawConnection.open(port)) {
            for (String w : writes) {
                c.write(w);
            }
            return c.readAll();
        }
    }

    private static void assertNotSmuggled(String tag) {
        // the pod would have echoed the smuggled path; a request that was served after it shows ordering
        assertEquals(
                200,
                Http.rawHead(port, head("GET", "/after-" + tag, "Connection: close"))
                        .status());
        List<String> echoed = pod.echoed();
        assertTrue(echoed.contains("/after-" + tag), echoed.toString());
        assertFalse(echoed.stream().anyMatch(p -> p.startsWith("/smuggled-" + tag)), echoed.toString());
    }

    static Stream<Arguments> overLimitChunked() {
        String chunk = "x".repeat(LIMIT);
        String big = Integer.toHexString(LIMIT) + "\r\n" + chunk + "\r\n";
        return Stream.of(
                Arguments.of("inference", "/v1/completions", big + "1\r\na\r\n0\r\n\r\n"),
                Arguments.of("streamed", "/echo", big + "1\r\na\r\n0\r\n\r\n"),
                Arguments.of("inference-no-terminator", "/v1/completions", big + "1\r\na\r\n"),
                Arguments.of("streamed-no-terminator", "/echo", big + "1\r\na\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overLimitChunked")
    void nothingAfterA413OnAChunkedBodyIsReadAsARequest(String tag, String path, String body) {
        RawConnection.Outcome o =
                exchange(head("POST", path, "Transfer-Encoding: chunked", "Content-Type: application/json")
                        + body
                        + smuggled(tag));
        assertEquals(List.of(413), o.statuses(), o.responses().toString());
        assertEquals("close", o.responses().getFirst().header("connection"));
        assertTrue(o.closedByServer(), "the router keeps the connection open after Connection: close");
        assertNotSmuggled(tag);
    }

    static Stream<Arguments> badFraming() {
        return Stream.of(
                Arguments.of(
                        "chunk-size-not-hex",
                        head("POST", "/echo", "Transfer-Encoding: chunked") + "zz\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "chunk-size-negative",
                        head("POST", "/echo", "Transfer-Encoding: chunked") + "-1\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "chunk-size-overflow",
                        head("POST", "/echo", "Transfer-Encoding: chunked") + "fffffffffffffffff\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "chunk-size-inference",
                        head("POST", "/v1/completions", "Transfer-Encoding: chunked") + "zz\r\nab\r\n0\r\n\r\n"),
                Arguments.of("method-token", "G@T / HTTP/1.1\r\nHost: a.example\r\n\r\n"),
                Arguments.of("method-empty", " / HTTP/1.1\r\nHost: a.example\r\n\r\n"),
                Arguments.of("request-line-no-version", "GET /\r\nHost: a.example\r\n\r\n"),
                Arguments.of("request-line-bad-version", "GET / HTTP/9.9\r\nHost: a.example\r\n\r\n"),
                Arguments.of("request-line-lf-only", "GET / HTTP/1.1\nHost: a.example\n\n"),
                Arguments.of("header-no-colon", "GET / HTTP/1.1\r\nHost: a.example\r\nBroken header\r\n\r\n"),
                Arguments.of("header-space-before-colon", "GET / HTTP/1.1\r\nHost : a.example\r\n\r\n"),
                Arguments.of("content-length-not-number", head("POST", "/echo", "Content-Length: abc")),
                Arguments.of("content-length-negative", head("POST", "/echo", "Content-Length: -5")),
                Arguments.of(
                        "content-length-twice-different",
                        head("POST", "/echo", "Content-Length: 1", "Content-Length: 2") + "ab"),
                Arguments.of(
                        "te-and-cl",
                        head("POST", "/echo", "Content-Length: 3", "Transfer-Encoding: chunked") + "0\r\n\r\n"),
                Arguments.of("binary", "\u0000\u0001\u0002\u00ff\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFraming")
    void invalidFramingIs400AndCloses(String tag, String request) {
        RawConnection.Outcome o = exchange(request + smuggled(tag));
        assertFalse(o.responses().isEmpty(), "no answer");
        RawConnection.Response first = o.responses().getFirst();
        assertTrue(first.status() >= 400 && first.status() < 500, first.toString());
        assertEquals(1, o.responses().size(), o.responses().toString());
        assertTrue(first.body().contains("\"error\""), first.toString());
        assertTrue(o.closedByServer(), "connection left open after " + first);
        assertNotSmuggled(tag);
    }

    static Stream<Arguments> chunkExtensions() {
        return Stream.of(
                Arguments.of("name-value", ";name=value"),
                Arguments.of("name-only", ";a"),
                Arguments.of("several", ";a=1;b;c=\"x\""),
                Arguments.of("blanks-and-quoted", " ; a = \"q \\\" ; v\"\t;b"));
    }

    /**
     * RFC 9112 section 7.1.1: a recipient ignores chunk extensions. Helidon 4.5.0 answered them
     * 400 (ADR 0011); {@code ChunkedFraming} removes them before Helidon's parser. The body arrives
     * intact (the simulator parses the JSON) and the next request on the connection is served.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkExtensions")
    void chunkExtensionsAreIgnored(String tag, String extension) {
        String json = "{\"model\":\"" + MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2}";
        String first = json.substring(0, 10);
        String rest = json.substring(10);
        String body = Integer.toHexString(first.length()) + extension + "\r\n" + first + "\r\n"
                + Integer.toHexString(rest.length()) + extension + "\r\n" + rest + "\r\n0" + extension + "\r\n\r\n";
        for (String path : List.of("/v1/completions", "/echo-ext-" + tag)) {
            RawConnection.Outcome o =
                    exchange(head("POST", path, "Transfer-Encoding: chunked", "Content-Type: application/json")
                            + body
                            + head("GET", "/next-ext-" + tag, "Connection: close"));
            assertEquals(List.of(200, 200), o.statuses(), o.responses().toString());
            assertTrue(o.closedByServer());
        }
        assertTrue(
                pod.echoed().containsAll(List.of("/echo-ext-" + tag, "/next-ext-" + tag)),
                pod.echoed().toString());
    }

    /** RFC 9112 section 7.1.2: trailer fields are dropped (not forwarded); the request is served. */
    @Test
    void trailersAreDropped() {
        String json = "{\"model\":\"" + MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2}";
        String body = Integer.toHexString(json.length()) + "\r\n" + json
                + "\r\n0\r\nX-Checksum: abc\r\nX-Other:\t v \r\n\r\n";
        RawConnection.Outcome o = exchange(head(
                        "POST",
                        "/v1/completions",
                        "Transfer-Encoding: chunked",
                        "Content-Type: application/json",
                        "Trailer: X-Checksum")
                + body
                + head("GET", "/next-trailer", "Connection: close"));
        assertEquals(List.of(200, 200), o.statuses(), o.responses().toString());
        assertTrue(o.closedByServer());
        assertTrue(pod.echoed().contains("/next-trailer"), pod.echoed().toString());
    }

    static Stream<Arguments> badExtensionsAndTrailers() {
        String c = head("POST", "/echo", "Transfer-Encoding: chunked");
        return Stream.of(
                Arguments.of("ext-no-name", c + "2;\r\nab\r\n0\r\n\r\n"),
                Arguments.of("ext-bad-value", c + "2;a=b c\r\nab\r\n0\r\n\r\n"),
                Arguments.of("ext-open-quote", c + "2;a=\"b\r\nab\r\n0\r\n\r\n"),
                Arguments.of("ext-space-in-size", c + "2 2;a\r\nab\r\n0\r\n\r\n"),
                Arguments.of("ext-lf-only", c + "2;a\nab\r\n0\r\n\r\n"),
                Arguments.of("trailer-no-colon", c + "2\r\nab\r\n0\r\nbroken trailer\r\n\r\n"),
                Arguments.of("trailer-lf-only", c + "2\r\nab\r\n0\r\nX-A: b\n\r\n"),
                Arguments.of("trailer-too-large", c + "2\r\nab\r\n0\r\nX-A: " + "b".repeat(20_000) + "\r\n\r\n"),
                Arguments.of("chunk-longer-than-size", c + "2\r\nabcdef\r\n0\r\n\r\n"),
                Arguments.of(
                        "chunk-longer-inference",
                        head("POST", "/v1/completions", "Transfer-Encoding: chunked") + "2\r\n{}xx\r\n0\r\n\r\n"));
    }

    /** What RFC 9112 does not allow in extensions and trailers stays 400 and close, nothing smuggled. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badExtensionsAndTrailers")
    void invalidExtensionsAndTrailersAre400AndClose(String tag, String request) {
        RawConnection.Outcome o = exchange(request + smuggled(tag));
        assertEquals(List.of(400), o.statuses(), o.responses().toString());
        assertTrue(
                o.responses().getFirst().body().contains("\"error\""),
                o.responses().toString());
        assertTrue(o.closedByServer(), "connection left open after " + o.responses());
        assertNotSmuggled(tag);
    }

    @Test
    void pipelinedRequestsAreStillServedInOrder() {
        try (RawConnection c = RawConnection.open(port)) {
            c.write(head("GET", "/pipe-1") + head("POST", "/pipe-2", "Content-Length: 3") + "abc"
                    + head("GET", "/pipe-3", "Connection: close") + smuggled("pipelined"));
            RawConnection.Outcome o = c.readAll();
            assertEquals(List.of(200, 200, 200), o.statuses(), o.responses().toString());
            assertTrue(o.closedByServer(), "Connection: close from the client must close the connection");
        }
        List<String> echoed = pod.echoed();
        assertTrue(echoed.containsAll(List.of("/pipe-1", "/pipe-2", "/pipe-3")), echoed.toString());
        assertNotSmuggled("pipelined");
    }

    /** Issue 16: nested JSON answered 500 with a stack trace per request (Parsson's depth limit threw). */
    @ParameterizedTest(name = "depth {0}")
    @org.junit.jupiter.params.provider.ValueSource(
            ints = {129, 999, 1000, 2000}) // 2 x 2000 bytes fit the 4 KiB body bound
    void deeplyNestedJsonIs400OnBothPorts(int depth) {
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":" + nested + "}";
        Http.Reply r = router.http().post(port, "a.example", "/v1/completions", body);
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.errorCode());
        assertTrue(r.body().contains("nested deeper than 128"), r.body());
        Http.Reply s = router.putJson("{\"schemaVersion\":1,\"gateways\":" + nested + "}", RouterFixture.TOKEN);
        assertEquals(400, s.status(), s.body());
        assertEquals("invalid_snapshot", s.errorCode());
    }

    @Test
    void jsonAtTheDepthBoundIsServed() {
        String nested = "[".repeat(120) + "\"hi\"" + "]".repeat(120);
        Http.Reply r = router.http()
                .post(
                        port,
                        "a.example",
                        "/v1/completions",
                        "{\"model\":\"" + MODEL + "\",\"prompt\":" + nested + ",\"max_tokens\":2}");
        // the router forwards it; the simulator (like vLLM) then refuses a nested prompt itself
        assertEquals(400, r.status(), r.body());
        assertEquals("prompt", r.json().getJsonObject("error").getString("param"), r.body());
        assertEquals("echo-0", r.header("x-inference-pod"));
    }

    /** The internal socket (snapshot API) has the same framing rules as the public ones. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("internalCases")
    void theInternalSocketFollowsTheSameRules(String tag, String request, int status) {
        try (RawConnection c = RawConnection.open(router.internalPort())) {
            c.write(request + "GET /observe/health/live HTTP/1.1\r\nHost: i\r\n\r\n");
            RawConnection.Outcome o = c.readAll();
            assertEquals(List.of(status), o.statuses(), o.responses().toString());
            assertTrue(o.closedByServer(), "connection left open after " + o.responses());
        }
    }

    static Stream<Arguments> internalCases() {
        String put = "PUT /internal/v1/snapshot HTTP/1.1\r\nHost: i\r\nAuthorization: Bearer " + RouterFixture.TOKEN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                Arguments.of("method-token", "G@T /internal/v1/snapshot HTTP/1.1\r\nHost: i\r\n\r\n", 400),
                Arguments.of("http10", "GET /observe/health/live HTTP/1.0\r\n\r\n", 505),
                Arguments.of("chunk-size", put + "zz\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of(
                        "unauthorized-with-body",
                        "PUT /internal/v1/snapshot HTTP/1.1\r\nHost: i\r\n" + "Content-Length: 5\r\n\r\n{\"a\":",
                        401),
                Arguments.of(
                        "client-close",
                        "GET /observe/health/live HTTP/1.1\r\nHost: i\r\nConnection: close\r\n\r\n",
                        200));
    }

    @Test
    void http10IsRefusedWith505AndAPreciseBody() {
        RawConnection.Outcome o = exchange("GET / HTTP/1.0\r\nHost: a.example\r\n\r\n");
        assertEquals(List.of(505), o.statuses(), o.responses().toString());
        String body = o.responses().getFirst().body();
        assertTrue(body.contains("\"code\":\"http_version_not_supported\""), body);
        assertTrue(body.contains("HTTP/1.1"), body);
        assertTrue(o.closedByServer());
    }
}
