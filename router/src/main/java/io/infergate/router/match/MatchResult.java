package io.infergate.router.match;

import io.infergate.common.snapshot.ListenerRef;

/** The outcome of matching one request. */
public sealed interface MatchResult {

    /**
     * A listener accepted the Host and one of its rules matched.
     *
     * @param clientPort the port clients reach the listener on ({@link ListenerTable#clientPort()})
     */
    record Matched(ListenerRef listener, int clientPort, Candidate candidate) implements MatchResult {}

    /** The socket serves no listener that accepts the Host (or no snapshot serves the socket). */
    record NoListener() implements MatchResult {}

    /** A listener accepted the Host but none of its rules matched. */
    record NoRule(ListenerRef listener) implements MatchResult {}
}
