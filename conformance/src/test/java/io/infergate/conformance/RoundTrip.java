package io.infergate.conformance;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The suite's HTTP/1.1 client, playing the upstream roundtripper: any Host header, the request
 * target written as given, redirects never followed.
 */
final class RoundTrip implements AutoCloseable {

    /** One request. {@code host} empty: the Host is {@code address:port}, as upstream sends it. */
    record Request(String method, String host, String path, Map<String, String> headers) {}

    /** One response; header names compared case-insensitively. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        /** The values of a header joined with commas (as upstream compares them), or null. */
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : String.join(",", v);
        }
    }

    private final Http1Client client = Http1Client.builder()
            .followRedirects(false)
            .readTimeout(Duration.ofSeconds(20))
            .connectTimeout(Duration.ofSeconds(5))
            .shareConnectionCache(false)
            .build();

    Response send(String address, int port, Request request) {
        Http1ClientRequest r = client.method(Method.create(request.method()))
                .uri("http://" + address + ":" + port)
                .skipUriEncoding(true)
                .path(request.path());
        r.header(HeaderNames.HOST, request.host().isEmpty() ? address + ":" + port : request.host());
        request.headers().forEach((name, value) -> r.header(HeaderNames.create(name), value));
        try (HttpClientResponse res = r.request()) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            res.headers()
                    .forEach(h -> headers.computeIfAbsent(h.name(), k -> new ArrayList<>())
                            .addAll(h.allValues()));
            return new Response(
                    res.status().code(), headers, new String(res.inputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
