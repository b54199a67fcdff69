package io.infergate.router.epp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as the gateway showed it to the picker.
 *
 * @param headers the request headers, names lower-case, pseudo-headers ({@code :method},
 *                {@code :path}, {@code :authority}) included; the first value of a repeated name
 * @param body    the whole body (empty for a request without one)
 * @param hasBody whether the gateway sent a body phase (a body may still be empty)
 * @param subset  the subset hint ({@code ip:port} keys), when the gateway sent one (possibly empty)
 */
record Inbound(Map<String, String> headers, byte[] body, boolean hasBody, Optional<List<String>> subset) {
    Inbound {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        subset = subset.map(List::copyOf);
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }
}
