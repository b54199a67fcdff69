package io.infergate.common.snapshot;

import java.time.Duration;
import java.util.Optional;

/**
 * HTTPRoute rule timeouts. Empty means no timeout from the route (router defaults apply).
 *
 * @param request        the whole request, from the router receiving it to the last byte of the
 *                       response (Gateway API {@code timeouts.request})
 * @param backendRequest one attempt to a backend ({@code timeouts.backendRequest})
 */
public record Timeouts(Optional<Duration> request, Optional<Duration> backendRequest) {
    /** No timeouts set. */
    public static final Timeouts NONE = new Timeouts(Optional.empty(), Optional.empty());

    public Timeouts {
        request = request == null ? Optional.empty() : request;
        backendRequest = backendRequest == null ? Optional.empty() : backendRequest;
    }
}
