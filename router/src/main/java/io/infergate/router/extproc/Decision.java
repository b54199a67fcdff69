package io.infergate.router.extproc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What an endpoint picker answered for one request (the request phase of one ext_proc stream). */
public sealed interface Decision {

    /**
     * Route the request to the named endpoints, in order (the first, then the next one only when
     * connecting to the previous one fails).
     *
     * @param endpoints   {@code ip:port} keys, at least one, as the picker named them
     * @param setHeaders  header mutations to apply to the upstream request (lower-case names), in order
     * @param removeHeaders header names to remove from the upstream request (lower-case)
     * @param body        the body as the picker rewrote it; empty when it left the body alone
     */
    record Route(
            List<String> endpoints,
            List<Map.Entry<String, String>> setHeaders,
            List<String> removeHeaders,
            Optional<byte[]> body)
            implements Decision {
        public Route {
            endpoints = List.copyOf(endpoints);
            setHeaders = List.copyOf(setHeaders);
            removeHeaders = List.copyOf(removeHeaders);
            Objects.requireNonNull(body, "body");
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("a route names at least one endpoint");
            }
        }
    }

    /**
     * The picker answered the request itself (400 bad body, 429 shed, 503 no endpoints).
     *
     * @param status  the HTTP status
     * @param headers headers to send with it (lower-case names)
     * @param body    the body, possibly empty
     * @param details the picker's details text, for logs
     */
    record Immediate(int status, List<Map.Entry<String, String>> headers, byte[] body, String details)
            implements Decision {
        public Immediate {
            headers = List.copyOf(headers);
        }
    }

    /**
     * The picker could not be asked or answered something unusable: the pool's failure mode decides.
     *
     * @param kind   {@code unavailable} (no connection, picker down), {@code timeout}, {@code protocol}
     *               (an answer that breaks the protocol), {@code error} (the stream failed otherwise)
     * @param reason a message for logs
     */
    record Failed(String kind, String reason) implements Decision {}
}
