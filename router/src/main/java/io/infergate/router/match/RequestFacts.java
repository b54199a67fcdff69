package io.infergate.router.match;

import java.util.Objects;

/**
 * What the matcher looks at in a request.
 *
 * @param socket  the public socket the request arrived on
 * @param host    the Host header without its port, lower case ({@link HostHeader#normalize})
 * @param method  the request method as sent (upper case for standard methods)
 * @param path    the raw (still percent-encoded) path, without the query string
 * @param query   query parameters by exact name
 * @param headers request headers by case-insensitive name
 */
public record RequestFacts(SocketKey socket, String host, String method, String path, Values query, Values headers) {
    public RequestFacts {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headers, "headers");
    }
}
