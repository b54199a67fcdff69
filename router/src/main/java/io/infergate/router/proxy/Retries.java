package io.infergate.router.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * When a failed attempt is sent again to another endpoint (Envoy's {@code connect-failure} and
 * {@code retriable-status-codes: 503} retry policies, with the safety rules of RFC 9110 section 9.2.2):
 * <ul>
 *   <li>a connect failure: the request never reached the endpoint, so any request may go again,
 *       provided its body can be sent again (held in memory, or streamed but not a byte read yet);</li>
 *   <li>a 503 before any response byte went to the client: only a request that may be sent twice
 *       ({@link Exchange.Plan#idempotent()}) with a body held in memory;</li>
 *   <li>never after the response headers were relayed, never for a timeout or a reset (the endpoint
 *       may be working on it).</li>
 * </ul>
 * At most {@link ProxySettings#retries()} retries, each to an endpoint not tried yet.
 */
final class Retries {

    private Retries() {}

    /** Whether a failure before response headers may be retried with this body. */
    static boolean afterFailure(Upstream.Failure failure, Upstream.Body body) {
        return failure == Upstream.Failure.CONNECT && untouched(body);
    }

    /**
     * Whether a request that met a stale pooled connection ({@link Upstream.Failure#STALE}) may be
     * sent again on a fresh connection to the same endpoint: the endpoint is fine, only the pooled
     * connection was not, so this is not counted against {@link ProxySettings#retries()}. The
     * request may have reached the endpoint, so only one that may be sent twice, with a body held
     * in memory.
     */
    static boolean afterStale(boolean idempotent, Upstream.Body body) {
        return idempotent && !(body instanceof Upstream.Body.Stream);
    }

    /** Whether a 503 may be retried. */
    static boolean after503(boolean idempotent, Upstream.Body body) {
        return idempotent && !(body instanceof Upstream.Body.Stream);
    }

    /** A streamed body wrapped so that whether it was read can be told; other bodies as they are. */
    static Upstream.Body trackable(Upstream.Body body) {
        if (body instanceof Upstream.Body.Stream s && !(s.in() instanceof Tracked)) {
            return new Upstream.Body.Stream(new Tracked(s.in()), s.length());
        }
        return body;
    }

    private static boolean untouched(Upstream.Body body) {
        return !(body instanceof Upstream.Body.Stream s) || (s.in() instanceof Tracked t && !t.read);
    }

    /** Remembers whether anything asked for bytes. */
    private static final class Tracked extends FilterInputStream {
        private volatile boolean read;

        Tracked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            read = true;
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            read = true;
            return super.read(b, off, len);
        }

        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            read = true;
            return super.transferTo(out);
        }
    }
}
