package io.infergate.router.extproc;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.schedule.endpoint.Target;

import java.util.List;
import java.util.Optional;

/** Where the pool's endpoint picker sends a request, or what to do instead. */
public sealed interface Selection {

    /**
     * Route to {@code targets}, in order (each after the previous one refused the connection).
     *
     * @param targets  the named endpoints that belong to the pool, in the picker's order
     * @param headers  the picker's header mutations as a filter applied after the route's filters;
     *                 it also strips the protocol's control headers from the upstream request
     * @param body     the body as the picker rewrote it; empty when unchanged
     * @param response the stream's response phase; close it when the exchange ends
     */
    record Routed(
            List<Target> targets, Filter.RequestHeaderModifier headers, Optional<byte[]> body, ResponsePhase response)
            implements Selection {
        public Routed {
            targets = List.copyOf(targets);
        }
    }

    /** The picker answered the request itself: send this answer to the client. */
    record Answered(Decision.Immediate answer) implements Selection {}

    /** The picker failed and the pool fails open: pick natively. */
    record FallBack(String reason) implements Selection {}

    /**
     * The picker failed and the pool fails closed: answer {@code status} with an error.
     *
     * @param status 503 when the picker is unreachable or too slow, 502 when it answered wrongly
     */
    record Refused(int status, String reason) implements Selection {}
}
