package io.infergate.conformance;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One row of an upstream table ({@code http.ExpectedResponse}): the request, and what must come
 * back or reach the echo backend. Checked the way upstream's {@code CompareRoundTrip} checks:
 * the echoed path (query included), method, namespace, pod name prefix, the request headers
 * joined by commas and compared by lower-cased name, absent headers; response headers; and for a
 * redirect the Location's scheme, host, port and path ({@link #GATEWAY_ADDRESS} and
 * {@link #LISTENER_PORT} stand for where the request was sent). Stricter than upstream in two places: the
 * redirect port is always compared exactly ({@code ""} = none), since listener ports are not 80
 * here, and an answer the router makes itself (4xx/5xx without a backend) must be an
 * OpenAI-style {@code {"error": {...}}} body.
 */
final class Expected {

    /** In a redirect's expected Location: the address the request was sent to (the Gateway's). */
    static final String GATEWAY_ADDRESS = "{gateway-address}";
    /** In a redirect's expected Location: the port of the listener the request was sent to. */
    static final String LISTENER_PORT = "{listener-port}";

    /** The listener port a request is sent to: the free ports standing in for upstream's 80, 8080 and 8090. */
    enum Listener {
        PORT_80,
        PORT_8080,
        PORT_8090
    }

    private int index;
    private Listener listener = Listener.PORT_80;
    private String method = "GET";
    private String host = "";
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> backendSets = new LinkedHashMap<>();
    private String backend;
    private String namespace = ConformanceEnv.INFRA;
    private String expectedPath;
    private String expectedHost;
    private final Map<String, String> expectedHeaders = new LinkedHashMap<>();
    private final List<String> absent = new ArrayList<>();
    private int status = 200;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final List<String> responseAbsent = new ArrayList<>();
    private Redirect redirect;

    /** A redirect's Location, part by part; port {@code ""} means none. */
    record Redirect(String scheme, String host, String port, String path) {}

    private Expected(String path) {
        this.path = path;
    }

    /** A GET of {@code path} (query allowed). */
    static Expected request(String path) {
        return new Expected(path);
    }

    /** Numbers the rows in order, as upstream names its subtests. */
    static Stream<Expected> table(Expected... rows) {
        for (int i = 0; i < rows.length; i++) {
            rows[i].index = i;
        }
        return Stream.of(rows);
    }

    /** Sends the request to this listener port of the Gateway (default: the one standing in for 80). */
    Expected on(Listener l) {
        listener = l;
        return this;
    }

    Listener listener() {
        return listener;
    }

    Expected method(String m) {
        method = m;
        return this;
    }

    Expected host(String h) {
        host = h;
        return this;
    }

    Expected header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The echo backend sets this response header (upstream BackendSetResponseHeaders). */
    Expected backendSets(String name, String value) {
        backendSets.put(name, value);
        return this;
    }

    /** The request reaches a pod whose name starts with {@code prefix}; the status is 200. */
    Expected backend(String prefix) {
        backend = prefix;
        return this;
    }

    Expected namespace(String ns) {
        namespace = ns;
        return this;
    }

    Expected expectPath(String p) {
        expectedPath = p;
        return this;
    }

    Expected expectHost(String h) {
        expectedHost = h;
        return this;
    }

    Expected expectHeader(String name, String value) {
        expectedHeaders.put(name, value);
        return this;
    }

    Expected absent(String... names) {
        absent.addAll(List.of(names));
        return this;
    }

    Expected status(int code) {
        status = code;
        return this;
    }

    Expected responseHeader(String name, String value) {
        responseHeaders.put(name, value);
        return this;
    }

    Expected responseAbsent(String... names) {
        responseAbsent.addAll(List.of(names));
        return this;
    }

    Expected redirect(int code, String scheme, String host, String port, String path) {
        status = code;
        redirect = new Redirect(scheme, host, port, path);
        return this;
    }

    String path() {
        return path;
    }

    /** The request as sent: X-Echo-Set-Header carries what the backend should set. */
    RoundTrip.Request toRequest() {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (!backendSets.isEmpty()) {
            all.put(
                    "X-Echo-Set-Header",
                    String.join(
                            ",",
                            backendSets.entrySet().stream()
                                    .map(e -> e.getKey() + ":" + e.getValue())
                                    .toList()));
        }
        return new RoundTrip.Request(method, host, path, all);
    }

    /**
     * Asserts the response to the request sent to {@code ip:port}; returns the echoed request (null
     * when no backend answered).
     */
    JsonObject verify(RoundTrip.Response res, String ip, int port) {
        String what = this + ": ";
        assertEquals(status, res.status(), what + "status; body " + res.body());
        JsonObject echo = null;
        if (backend != null) {
            echo = json(res.body());
            assertEquals(expectedPath == null ? path : expectedPath, echo.getString("path"), what + "path");
            if (expectedHost != null) {
                assertEquals(expectedHost, echo.getString("host"), what + "host");
            }
            assertEquals(method, echo.getString("method"), what + "method");
            assertEquals(namespace, echo.getString("namespace"), what + "namespace");
            Map<String, String> got = new LinkedHashMap<>();
            echo.getJsonObject("headers")
                    .forEach((name, values) -> got.put(
                            name.toLowerCase(Locale.ROOT),
                            String.join(
                                    ",",
                                    values.asJsonArray().getValuesAs(v -> ((jakarta.json.JsonString) v).getString()))));
            expectedHeaders.forEach((name, value) -> assertEquals(
                    value, got.get(name.toLowerCase(Locale.ROOT)), what + "request header " + name + " among " + got));
            absent.forEach(name -> assertFalse(
                    got.containsKey(name.toLowerCase(Locale.ROOT)),
                    what + "request header " + name + " must be absent: " + got));
            String pod = echo.getString("pod");
            assertTrue(pod.startsWith(backend), what + "pod " + pod + " should start with " + backend);
        } else if (status >= 400 && !method.equals("HEAD")) {
            JsonValue error = json(res.body()).get("error");
            assertNotNull(error, what + "the router's own answer is an OpenAI-style error: " + res.body());
        }
        responseHeaders.forEach((name, value) ->
                assertEquals(value, res.header(name), what + "response header " + name + " among " + res.headers()));
        responseAbsent.forEach(
                name -> assertEquals(null, res.header(name), what + "response header " + name + " must be absent"));
        if (redirect != null) {
            String location = res.header("Location");
            assertNotNull(location, what + "a Location");
            URI uri = URI.create(location);
            Redirect want = new Redirect(
                    redirect.scheme(),
                    redirect.host().replace(GATEWAY_ADDRESS, ip),
                    redirect.port().replace(LISTENER_PORT, Integer.toString(port)),
                    redirect.path());
            assertEquals(
                    want,
                    new Redirect(
                            uri.getScheme(),
                            uri.getHost(),
                            uri.getPort() < 0 ? "" : Integer.toString(uri.getPort()),
                            uri.getRawPath()),
                    what + "Location " + location);
        }
        return echo;
    }

    private static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    @Override
    public String toString() {
        String to = backend != null
                ? "should go to " + backend
                : redirect != null ? "should be redirected (" + status + ")" : "should receive " + status;
        return index + " request to '" + host + path + "'" + (headers.isEmpty() ? "" : " with headers") + " " + to;
    }
}
