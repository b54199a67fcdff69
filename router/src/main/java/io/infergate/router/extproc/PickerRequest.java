package io.infergate.router.extproc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request as the picker sees it: Envoy's pseudo-headers, the client's headers and the body.
 *
 * @param method    {@code :method}
 * @param path      {@code :path}, raw path and query as sent
 * @param authority {@code :authority} (the Host header)
 * @param scheme    {@code :scheme}
 * @param headers   the request headers in order (names as sent)
 * @param body      the whole body, possibly empty
 * @param subset    the subset hint: the pool endpoints ({@code ip:port}) the router would route
 *                  to, when it narrowed the pool (outlier detection ejected some); empty: no hint
 */
public record PickerRequest(
        String method,
        String path,
        String authority,
        String scheme,
        List<Map.Entry<String, String>> headers,
        byte[] body,
        List<String> subset) {
    public PickerRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(scheme, "scheme");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
        subset = List.copyOf(subset);
    }

    /** A request without a subset hint. */
    public PickerRequest(
            String method,
            String path,
            String authority,
            String scheme,
            List<Map.Entry<String, String>> headers,
            byte[] body) {
        this(method, path, authority, scheme, headers, body, List.of());
    }
}
