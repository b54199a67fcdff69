package io.infergate.router.testing;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** A plain HTTP/1.1 test client that can set any Host header and never follows redirects. */
public final class Http implements AutoCloseable {

    /** A complete response. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }

        /** The body as a JSON object. */
        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        /** {@code error.code} of an OpenAI-style error body. */
        public String errorCode() {
            return json().getJsonObject("error").getString("code");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final Http1Client client = Http1Client.builder()
            .followRedirects(false)
            .readTimeout(Duration.ofSeconds(30))
            .connectTimeout(Duration.ofSeconds(5))
            .shareConnectionCache(false)
            .build();

    /** A request to {@code http://127.0.0.1:port/path}; customize headers with {@code setup}. */
    public Http1ClientRequest request(Method method, int port, String pathAndQuery, String host) {
        return request(method, "127.0.0.1", port, pathAndQuery, host);
    }

    /** A request to {@code http://address:port/path}. */
    public Http1ClientRequest request(Method method, String address, int port, String pathAndQuery, String host) {
        // skipUriEncoding + path: the target goes on the wire exactly as written
        Http1ClientRequest r = client.method(method)
                .uri("http://" + address + ":" + port)
                .skipUriEncoding(true)
                .path(pathAndQuery);
        if (host != null) {
            r.header(HeaderNames.HOST, host);
        }
        return r;
    }

    public Reply get(int port, String host, String pathAndQuery) {
        return send(Method.GET, port, host, pathAndQuery, null, r -> {});
    }

    public Reply post(int port, String host, String path, String json) {
        return send(Method.POST, port, host, path, json, r -> r.header(HeaderNames.CONTENT_TYPE, "application/json"));
    }

    public Reply send(
            Method method,
            int port,
            String host,
            String pathAndQuery,
            String body,
            Consumer<Http1ClientRequest> setup) {
        Http1ClientRequest r = request(method, port, pathAndQuery, host);
        setup.accept(r);
        try (HttpClientResponse res = body == null ? r.request() : r.submit(body.getBytes(StandardCharsets.UTF_8))) {
            return read(res);
        }
    }

    public static Reply read(HttpClientResponse res) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        res.headers().forEach(h -> headers.put(h.name(), h.allValues()));
        try {
            String body = new String(res.inputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(res.status().code(), headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends only a request head over a raw socket and reads the status line and the rest: for
     * answers the server gives before reading a body (it would break a client still writing one).
     */
    public static Reply rawHead(int port, String head) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            return new Reply(status, Map.of(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a raw request over a socket and returns everything the server sent until it closed. */
    public static String rawText(int port, String request) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port that was free a moment ago (for listener ports that come from a snapshot). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
