package io.infergate.simulator;

import io.infergate.simulator.echo.EchoHandler;
import io.infergate.simulator.http.BoundedBody;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.infergate.simulator.TestClient.json;
import static io.infergate.simulator.TestClient.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every other path answers like the Gateway API conformance echo server. */
class EchoTest {

    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("echo-1")
                .namespace("gateway-conformance-infra")
                .build());
    }

    @AfterAll
    static void stop() {
        pod.close();
    }

    @Test
    void echoesPathHostMethodProtoHeadersAndPod() {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(pod.baseUrl() + "/some/path?a=1&b=%20x"))
                .header("x-custom", "one")
                .header("X-Custom", "two")
                .method("PUT", HttpRequest.BodyPublishers.ofString("12345"))
                .build());

        assertEquals(200, res.statusCode());
        assertEquals("echo-1", res.headers().firstValue("x-inference-pod").orElseThrow());
        JsonObject body = json(res.body());
        assertEquals("/some/path?a=1&b=%20x", body.getString("path"));
        assertEquals("127.0.0.1:" + pod.port(), body.getString("host"));
        assertEquals("PUT", body.getString("method"));
        assertEquals("HTTP/1.1", body.getString("proto"));
        assertEquals("gateway-conformance-infra", body.getString("namespace"));
        assertEquals("echo-1", body.getString("pod"));
        assertEquals(5, body.getInt("bodyLength"));
        JsonObject headers = body.getJsonObject("headers");
        assertEquals(2, headers.getJsonArray("X-Custom").size());
        assertEquals("one", headers.getJsonArray("X-Custom").getString(0));
        assertEquals("two", headers.getJsonArray("X-Custom").getString(1));
        assertEquals("5", headers.getJsonArray("Content-Length").getString(0));
        assertFalse(headers.containsKey("Host"), "Host is reported in host, as echo-basic does");
    }

    /**
     * Only the headers are sent: a declared length beyond the limit must be refused before any
     * body is read (sending 16 MiB that the server will not read only races against its close).
     */
    @Test
    void declaredBodyBeyondTheLimitIs413AndTheServerStaysUp() throws IOException {
        for (String path : new String[] {"/anything", "/v1/completions"}) {
            try (Socket socket = new Socket(pod.host(), pod.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write(("POST " + path + " HTTP/1.1\r\nHost: sim\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: "
                                        + (BoundedBody.MAX_BYTES + 1)
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String statusLine = new BufferedReader(
                                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine, path);
            }
        }
        assertEquals(200, TestClient.get(pod, "/health").statusCode());
    }

    @Test
    void echoSetHeaderSetsResponseHeaders() {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(pod.baseUrl() + "/"))
                .header("X-Echo-Set-Header", "X-Foo: bar, X-Baz: qux")
                .build());
        assertEquals("bar", res.headers().firstValue("x-foo").orElseThrow());
        assertEquals("qux", res.headers().firstValue("x-baz").orElseThrow());
    }

    @Test
    void everyEchoedTargetIsLogged() {
        send(HttpRequest.newBuilder(URI.create(pod.baseUrl() + "/logged/one?id=7"))
                .build());
        assertTrue(pod.echoed().contains("/logged/one?id=7"), pod.echoed().toString());
    }

    /** Go durations as echo-basic's {@code delay} parameter takes them; anything else is no delay. */
    @Test
    void delayParsesGoDurations() {
        assertEquals(Duration.ofSeconds(1), EchoHandler.duration("1s"));
        assertEquals(Duration.ofMillis(500), EchoHandler.duration("500ms"));
        assertEquals(Duration.ofMillis(1500), EchoHandler.duration("1.5s"));
        assertEquals(EchoHandler.MAX_DELAY, EchoHandler.duration("2h"));
        assertEquals(Duration.ZERO, EchoHandler.duration("soon"));
        assertEquals(Duration.ZERO, EchoHandler.duration("-1s"));
    }
}
