package io.infergate.simulator.echo;

import io.infergate.simulator.http.BoundedBody;
import io.infergate.simulator.http.JsonBodies;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers like {@code echo-basic} of kubernetes-sigs/gateway-api (conformance/echo-basic):
 * 200 with {@code path} (the request target, query included), {@code host} (the Host header),
 * {@code method}, {@code proto} ({@code HTTP/1.1}), {@code headers} (name → all values, names in
 * Go's canonical form, Host excluded, as Go's {@code http.Request.Header} has them), then
 * {@code namespace}, {@code ingress}, {@code service}, {@code pod} and {@code sni}. One addition:
 * {@code bodyLength}, the request body size in bytes. Like echo-basic, the request header
 * {@code X-Echo-Set-Header: name:value[,name:value]} sets response headers.
 */
public final class EchoHandler implements Handler {

    private static final String SET_HEADER = "X-Echo-Set-Header";

    private final String namespace;
    private final String podName;

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
            res.send(JsonBodies.bytes(JsonBodies.BUILDERS.createObjectBuilder()
                    .add("message", e.getMessage()).build()));
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
                + (req.prologue().query().isEmpty() ? "" : "?" + req.prologue().query().rawValue());
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        JsonObjectBuilder body = JsonBodies.BUILDERS.createObjectBuilder()
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
                .add("bodyLength", bodyLength);
        setRequestedHeaders(headers.getOrDefault(SET_HEADER, List.of()), res);
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.send(JsonBodies.bytes(body.build()));
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
