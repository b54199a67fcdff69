package io.infergate.conformance.inference;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.infergate.controller.kube.Trees;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * Requests through a Gateway and what upstream's {@code CompareRoundTrip} checks of them: the
 * status is one of the expected ones, expected response headers have their values, and for a 200
 * the echo backend saw the request as sent (path, method, Host) in the expected namespace, on a
 * pod whose name starts with the expected backend.
 */
final class Traffic implements AutoCloseable {

    /** Upstream's {@code MaxTimeToConsistency} is 300 s for this suite; here everything is local. */
    static final Duration CONSISTENCY = Duration.ofSeconds(60);
    /** Upstream's {@code RequiredConsecutiveSuccesses}. */
    static final int CONSECUTIVE = 3;

    /** An expected header value meaning: the response has no such header. */
    static final String ABSENT = "\u0000absent";

    /** One request; an empty host means {@code address:port}. */
    record Request(String method, String host, String path, Map<String, String> headers, String body) {
        static Request get(String host, String path) {
            return new Request("GET", host, path, Map.of(), "");
        }

        static Request post(String host, String path, Map<String, String> headers, String body) {
            return new Request("POST", host, path, Map.copyOf(headers), body);
        }
    }

    /** What the echo backend reports about the request it got. */
    record Echo(String pod, String namespace, String path, String host, String method, String httpPort, String proto) {}

    /** One response; the echo is present when the body is the echo backend's JSON. */
    record Response(int status, Map<String, List<String>> headers, String body, Optional<Echo> echo) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : String.join(",", v);
        }
    }

    /** An expectation: statuses, response headers, and for a 200 the backend prefix and namespace. */
    record Expected(
            Request request, Set<Integer> statuses, Map<String, String> headers, String backend, String namespace) {
        Expected {
            statuses = Set.copyOf(statuses);
            headers = Map.copyOf(headers);
        }

        static Expected ok(Request request, String backend, String namespace) {
            return new Expected(request, Set.of(200), Map.of(), backend, namespace);
        }

        Expected withHeader(String name, String value) {
            Map<String, String> h = new TreeMap<>(headers);
            h.put(name, value);
            return new Expected(request, statuses, h, backend, namespace);
        }
    }

    private final Http1Client client = Http1Client.builder()
            .followRedirects(false)
            .readTimeout(Duration.ofSeconds(20))
            .connectTimeout(Duration.ofSeconds(5))
            .shareConnectionCache(false)
            .build();

    /** Sends one request to {@code address} ({@code ip:port}). */
    Response send(String address, Request request) {
        Http1ClientRequest r = client.method(Method.create(request.method()))
                .uri("http://" + address)
                .skipUriEncoding(true)
                .path(request.path());
        r.header(HeaderNames.HOST, request.host().isEmpty() ? address : request.host());
        request.headers().forEach((name, value) -> r.header(HeaderNames.create(name), value));
        HttpClientResponse res = request.body().isEmpty()
                ? r.request()
                : r.header(HeaderNames.CONTENT_TYPE, "application/json")
                        .submit(request.body().getBytes(StandardCharsets.UTF_8));
        try (res) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            res.headers()
                    .forEach(h -> headers.computeIfAbsent(h.name(), k -> new ArrayList<>())
                            .addAll(h.allValues()));
            String body = new String(res.inputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Response(res.status().code(), headers, body, echo(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Optional<Echo> echo(String body) {
        try {
            if (!(Trees.parse(body) instanceof Map<?, ?> m) || !m.containsKey("pod")) {
                return Optional.empty();
            }
            Map<String, Object> o = (Map<String, Object>) m;
            Object port = o.get("httpPort");
            return Optional.of(new Echo(
                    (String) o.get("pod"),
                    (String) o.get("namespace"),
                    (String) o.get("path"),
                    (String) o.get("host"),
                    (String) o.get("method"),
                    port == null ? "" : String.valueOf(port),
                    (String) o.get("proto")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Why the response does not meet the expectation, or empty when it does. */
    static Optional<String> mismatch(Expected expected, String address, Response res) {
        if (!expected.statuses().contains(res.status())) {
            return Optional.of("status " + res.status() + ", expected one of " + expected.statuses() + " (body "
                    + res.body() + ")");
        }
        for (Map.Entry<String, String> h : expected.headers().entrySet()) {
            if (h.getValue().equals(ABSENT)) {
                if (res.header(h.getKey()) != null) {
                    return Optional.of("header " + h.getKey() + " is " + res.header(h.getKey()) + ", expected none");
                }
            } else if (!h.getValue().equals(res.header(h.getKey()))) {
                return Optional.of(
                        "header " + h.getKey() + " is " + res.header(h.getKey()) + ", expected " + h.getValue());
            }
        }
        if (res.status() != 200) {
            return Optional.empty();
        }
        if (res.echo().isEmpty()) {
            return Optional.of("a 200 that is not the echo backend's answer: " + res.body());
        }
        Echo e = res.echo().get();
        Request q = expected.request();
        String host = q.host().isEmpty() ? address : q.host();
        if (!e.path().equals(q.path())) {
            return Optional.of("the backend saw path " + e.path() + ", expected " + q.path());
        }
        if (!e.method().equals(q.method())) {
            return Optional.of("the backend saw method " + e.method() + ", expected " + q.method());
        }
        if (!e.host().equals(host)) {
            return Optional.of("the backend saw host " + e.host() + ", expected " + host);
        }
        if (!e.namespace().equals(expected.namespace())) {
            return Optional.of("served from namespace " + e.namespace() + ", expected " + expected.namespace());
        }
        if (!e.pod().startsWith(expected.backend())) {
            return Optional.of("served by pod " + e.pod() + ", expected a pod named " + expected.backend() + "*");
        }
        return Optional.empty();
    }

    /**
     * Upstream's {@code MakeRequestAndExpectEventuallyConsistentResponse}: sends until
     * {@link #CONSECUTIVE} answers in a row meet the expectation, within {@link #CONSISTENCY}.
     * Returns the last response.
     */
    Response eventually(String address, Expected expected) {
        AtomicInteger inARow = new AtomicInteger();
        AtomicReference<Response> last = new AtomicReference<>();
        AtomicReference<String> why = new AtomicReference<>("no response");
        try {
            await().atMost(CONSISTENCY)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        try {
                            Response r = send(address, expected.request());
                            Optional<String> mismatch = mismatch(expected, address, r);
                            if (mismatch.isPresent()) {
                                why.set(mismatch.get());
                                inARow.set(0);
                            } else {
                                last.set(r);
                                inARow.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            why.set(e.toString());
                            inARow.set(0);
                        }
                        return inARow.get() >= CONSECUTIVE;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no consistent response from " + address + " for " + expected.request()
                    + " within " + CONSISTENCY.toSeconds() + " s; last: " + why.get());
        }
        return last.get();
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
