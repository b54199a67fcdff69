package io.infergate.router.match;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the matcher looks at in a request.
 *
 * @param socket  the public socket the request arrived on
 * @param host    the Host header without its port, lower case ({@link HostHeader#normalize})
 * @param method  the request method as sent (upper case for standard methods)
 * @param path    the raw (still percent-encoded) path, without the query string
 * @param query   query parameters by exact name
 * @param headers request headers by case-insensitive name
 * @param model   the {@code model} the body names, asked for only when a candidate with a model
 *                condition is tested (reading it reads the body), empty for a body that is not an
 *                OpenAI inference request
 */
public record RequestFacts(
        SocketKey socket,
        String host,
        String method,
        String path,
        Values query,
        Values headers,
        Supplier<Optional<String>> model) {
    public RequestFacts {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headers, "headers");
    }

    /** Facts of a request whose body names no model. */
    public RequestFacts(SocketKey socket, String host, String method, String path, Values query, Values headers) {
        this(socket, host, method, path, query, headers, Optional::empty);
    }
}
