package io.infergate.router.epp;

import io.infergate.router.inference.ErrorBody;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the picker decided for one request. */
sealed interface Verdict {

    /**
     * Route to {@code endpoints} (the first; the rest are fallbacks, in order).
     *
     * @param endpoints {@code ip:port} keys, at least one
     * @param body      the body to send upstream (the client's, or with the model rewritten)
     * @param remove    request headers the upstream must not see (the protocol's control headers)
     * @param exchange  the request's state until the stream ends
     */
    record Route(List<String> endpoints, byte[] body, List<String> remove, Routed exchange) implements Verdict {
        public Route {
            endpoints = List.copyOf(endpoints);
            remove = List.copyOf(remove);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(exchange, "exchange");
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("a route names at least one endpoint");
            }
        }
    }

    /** Answer the client at once: 400 bad body, 413 too large, 429 shed, 503 nothing to pick. */
    record Reject(ErrorBody error, Optional<Duration> retryAfter) implements Verdict {}

    /** What happens to a routed request after the pick: the response phase and the end. */
    interface Routed {
        /** The response headers came: {@code status} ({@code :status}, 0 when absent), and the endpoint that served. */
        void responded(int status, Optional<String> served);

        /**
         * A piece of the response body as the model server sent it ({@code end}: the last one);
         * returns the bytes the client gets now: the piece itself, or, when the request went
         * upstream under another model name, with the client's name restored (a JSON body is then
         * held to its end; empty until then). After the end, returns what it is given.
         */
        byte[] pass(byte[] chunk, boolean end);

        /** Whether {@link #pass} may change the body's length (the gateway must not forward content-length). */
        boolean rewrites();

        /** The stream ended (response complete, or cancelled): release everything; idempotent. */
        void finish();

        /** A routed request that holds nothing (tests). */
        Routed NONE = new Routed() {
            @Override
            public void responded(int status, Optional<String> served) {}

            @Override
            public byte[] pass(byte[] chunk, boolean end) {
                return chunk;
            }

            @Override
            public boolean rewrites() {
                return false;
            }

            @Override
            public void finish() {}
        };
    }
}
