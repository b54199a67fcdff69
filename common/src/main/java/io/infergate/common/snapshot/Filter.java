package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * HTTPRoute filters the router applies. Kinds the router cannot apply never reach a snapshot:
 * the controller reports them in status instead.
 */
public sealed interface Filter {

    /** A header name and value for set/add. */
    record Header(String name, String value) {}

    /**
     * RequestHeaderModifier: remove, then set (replace), then add (append). Names are
     * case-insensitive.
     */
    record RequestHeaderModifier(List<Header> set, List<Header> add, List<String> remove) implements Filter {
        public RequestHeaderModifier {
            set = List.copyOf(set);
            add = List.copyOf(add);
            remove = List.copyOf(remove);
        }
    }

    /** ResponseHeaderModifier: the same operations on the response. */
    record ResponseHeaderModifier(List<Header> set, List<Header> add, List<String> remove) implements Filter {
        public ResponseHeaderModifier {
            set = List.copyOf(set);
            add = List.copyOf(add);
            remove = List.copyOf(remove);
        }
    }

    /**
     * RequestRedirect: answers the request itself with a redirect.
     *
     * @param scheme     http or https, or empty to keep the request's
     * @param hostname   empty to keep the request's host
     * @param port       empty to derive it by the spec's default-port rules
     * @param path       empty to keep the request's path
     * @param statusCode 301, 302, 303, 307 or 308
     */
    record RequestRedirect(
            Optional<String> scheme,
            Optional<String> hostname,
            Optional<Integer> port,
            Optional<PathModifier> path,
            int statusCode)
            implements Filter {}

    /** URLRewrite: rewrites the host and/or path sent upstream. */
    record UrlRewrite(Optional<String> hostname, Optional<PathModifier> path) implements Filter {}

    /**
     * RequestMirror: a copy of the request is sent to the backend and its response ignored.
     *
     * @param backend   the id of a backend in the snapshot, or empty if it did not resolve
     * @param numerator with denominator: the fraction of requests mirrored (100/100 = all)
     * @param denominator greater than zero
     */
    record RequestMirror(Optional<String> backend, int numerator, int denominator) implements Filter {}

    /** How a redirect or rewrite changes the path. */
    record PathModifier(Type type, String value) {
        /** Gateway API path modifier kinds. */
        public enum Type {
            REPLACE_FULL_PATH,
            REPLACE_PREFIX_MATCH
        }
    }
}
