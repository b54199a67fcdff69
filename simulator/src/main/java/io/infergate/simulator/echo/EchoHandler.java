package io.infergate.simulator.echo;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.http.BoundedBody;
import io.infergate.simulator.http.JsonBodies;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers like {@code echo-basic} of kubernetes-sigs/gateway-api (conformance/echo-basic):
 * 200 with {@code path} (the request target, query included), {@code host} (the Host header),
 * {@code method}, {@code proto} ({@code HTTP/1.1}), {@code headers} (name → all values, names in
 * Go's canonical form, Host excluded, as Go's {@code http.Request.Header} has them), then
 * {@code namespace}, {@code ingress}, {@code service}, {@code pod} and {@code sni}; {@code httpPort}, the
 * port the request came in on (as echo-basic reports it with {@code INCLUDE_HTTP_PORT_HEADER}, which the
 * Inference Extension suite's data-parallel test reads). One addition: {@code bodyLength}, the request
 * body size in bytes. Like echo-basic, the request header
 * {@code X-Echo-Set-Header: name:value[,name:value]} sets response headers, and the query
 * parameter {@code delay} (a Go duration such as {@code 1s} or {@code 500ms}, at most
 * {@link #MAX_DELAY}) holds the answer back that long. Every echoed request target is kept in a
 * bounded log ({@link #echoed()}), as echo-basic logs "Echoing back request made to ...", so tests
 * can see requests whose answers nobody reads (mirrors).
 */
public final class EchoHandler implements Handler {

    private static final String SET_HEADER = "X-Echo-Set-Header";
    /** The longest {@code delay} honoured; longer values are capped to it. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** How many echoed request targets are remembered. */
    static final int LOG_SIZE = 4096;

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private final String namespace;
    private final String podName;
    private final Deque<String> echoed = new ConcurrentLinkedDeque<>();
    private final AtomicInteger logged = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

    public EchoHandler(String namespace, String podName) {
        this.namespace = namespace;
        this.podName = podName;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long bodyLength;
        try {
            bodyLength = BoundedBody.read(req).length;
        } catch (BoundedBody.TooLargeException e) {
            res.status(413);
            res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
            res.send(JsonBodies.bytes(JsonBodies.BUILDERS
                    .createObjectBuilder()
                    .add("message", e.getMessage())
                    .build()));
            return;
        }
        Map<String, List<String>> headers = headers(req);
        JsonObjectBuilder headersJson = JsonBodies.BUILDERS.createObjectBuilder();
        headers.forEach((name, values) -> {
            JsonArrayBuilder array = JsonBodies.BUILDERS.createArrayBuilder();
            values.forEach(array::add);
            headersJson.add(name, array);
        });
        String path = req.prologue().uriPath().rawPath()
                + (req.prologue().query().isEmpty()
                        ? ""
                        : "?" + req.prologue().query().rawValue());
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        remember(path);
        Optional<Duration> delay = req.query().first("delay").map(EchoHandler::duration);
        if (delay.isPresent() && !delay.get().isZero()) {
            try {
                Thread.sleep(delay.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        JsonObjectBuilder body = JsonBodies.BUILDERS
                .createObjectBuilder()
                .add("path", path)
                .add("host", host)
                .add("method", req.prologue().method().text())
                .add("proto", proto(req.prologue().protocol(), req.prologue().protocolVersion()))
                .add("headers", headersJson)
                .add("namespace", namespace)
                .add("ingress", "")
                .add("service", "")
                .add("pod", podName)
                .add("sni", "")
                .add("httpPort", Integer.toString(req.localPeer().port()))
                .add("bodyLength", bodyLength);
        setRequestedHeaders(headers.getOrDefault(SET_HEADER, List.of()), res);
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.send(JsonBodies.bytes(body.build()));
    }

    /** The request targets echoed so far, oldest first (at most {@link #LOG_SIZE}). */
    public List<String> echoed() {
        return List.copyOf(echoed);
    }

    /** How many requests were echoed since the start (the log above keeps only the last ones). */
    public long echoedTotal() {
        return total.get();
    }

    private void remember(String target) {
        total.incrementAndGet();
        echoed.addLast(target);
        if (logged.incrementAndGet() > LOG_SIZE) {
            echoed.pollFirst();
            logged.decrementAndGet();
        }
    }

    /**
     * A Go duration of one unit ({@code 1s}, {@code 500ms}, {@code 2m}, {@code 100us}); anything
     * else, or a negative value, is no delay. Capped at {@link #MAX_DELAY}.
     */
    public static Duration duration(String text) {
        Matcher m = GO_DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Duration.ZERO;
        }
        double amount = Double.parseDouble(m.group(1));
        double nanos = amount
                * switch (m.group(2)) {
                    case "ns" -> 1d;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
        Duration d = Duration.ofNanos((long) Math.min(nanos, (double) MAX_DELAY.toNanos()));
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    private static Map<String, List<String>> headers(ServerRequest req) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (Header header : req.headers()) {
            String name = canonical(header.name());
            if (!name.equals("Host")) {
                headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(header.allValues());
            }
        }
        return headers;
    }

    /** Go's {@code CanonicalMIMEHeaderKey}: upper-case the first letter and each letter after '-'. */
    static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }

    /** Go reports HTTP/2 as {@code HTTP/2.0}. */
    private static String proto(String protocol, String version) {
        return protocol + "/" + (version.equals("2") ? "2.0" : version);
    }

    private static void setRequestedHeaders(List<String> lists, ServerResponse res) {
        for (String list : lists) {
            for (String pair : list.split(",")) {
                int colon = pair.indexOf(':');
                String name = (colon < 0 ? pair : pair.substring(0, colon)).trim();
                String value = colon < 0 ? "" : pair.substring(colon + 1).trim();
                if (!name.isEmpty()) {
                    try {
                        res.header(name, value);
                    } catch (IllegalArgumentException e) {
                        // An invalid header name or value from the client is ignored, not echoed.
                    }
                }
            }
        }
    }
}
