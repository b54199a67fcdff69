package io.infergate.router.extproc;

import java.util.List;
import java.util.Map;

/**
 * The rest of a picker's ext_proc stream once it has routed a request: the response headers go
 * to the picker with the endpoint that served the request, and its header mutations come back;
 * the response body follows as the client gets it. Close it when the exchange ends, whatever
 * happened.
 */
public interface ResponsePhase extends AutoCloseable {

    /** The picker's changes to the response headers (lower-case names). */
    record Mutations(List<Map.Entry<String, String>> set, List<String> remove) {
        public Mutations {
            set = List.copyOf(set);
            remove = List.copyOf(remove);
        }

        static final Mutations NONE = new Mutations(List.of(), List.of());
    }

    /**
     * Sends the response headers, with {@code envoy.lb / x-gateway-destination-endpoint-served =
     * served} in the metadata context, and waits (briefly) for the picker's mutations; none when
     * the picker does not answer in time or the stream failed (the response is never held up long).
     *
     * @param served the {@code ip:port} that answered
     */
    Mutations responseHeaders(int status, List<Map.Entry<String, String>> headers, String served);

    /**
     * Sends a piece of the response body as it goes to the client; never blocks on the picker and
     * never throws. {@code endOfStream} marks the last piece (possibly empty).
     */
    void responseBody(byte[] chunk, int offset, int length, boolean endOfStream);

    /** Ends the stream (half-close); never throws. */
    @Override
    void close();

    /** For routes without a stream to continue. */
    ResponsePhase NONE = new ResponsePhase() {
        @Override
        public Mutations responseHeaders(int status, List<Map.Entry<String, String>> headers, String served) {
            return Mutations.NONE;
        }

        @Override
        public void responseBody(byte[] chunk, int offset, int length, boolean endOfStream) {}

        @Override
        public void close() {}
    };
}
