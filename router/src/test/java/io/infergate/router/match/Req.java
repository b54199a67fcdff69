package io.infergate.router.match;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request for matcher tests: {@code Req.get("host", "/path").header("x", "1")}. */
final class Req {
    static final SocketKey SOCKET = new SocketKey("127.0.0.1", 8080);

    private SocketKey socket = SOCKET;
    private final String host;
    private String method = "GET";
    private final String path;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, List<String>> query = new LinkedHashMap<>();

    private Req(String host, String path) {
        this.host = host;
        this.path = path;
    }

    static Req get(String host, String path) {
        return new Req(host, path);
    }

    static Req get(String path) {
        return new Req("example.com", path);
    }

    Req method(String m) {
        method = m;
        return this;
    }

    Req on(SocketKey s) {
        socket = s;
        return this;
    }

    Req header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    Req query(String name, String value) {
        query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    RequestFacts facts() {
        return new RequestFacts(
                socket, HostHeader.normalize(host), method, path, Values.of(query), Values.ofHeaders(headers));
    }

    @Override
    public String toString() {
        return method + " " + host + path + (headers.isEmpty() ? "" : " " + headers)
                + (query.isEmpty() ? "" : " ?" + query);
    }
}
