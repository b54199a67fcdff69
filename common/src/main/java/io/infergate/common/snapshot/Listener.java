package io.infergate.common.snapshot;

import java.util.Optional;

/**
 * One served listener of a Gateway.
 *
 * @param name     the listener's {@code name}, unique within its Gateway
 * @param port     1..65535
 * @param protocol HTTP today; HTTPS once TLS termination exists
 * @param hostname exact ({@code a.example.com}) or wildcard ({@code *.example.com}); empty matches
 *                 any Host
 */
public record Listener(String name, int port, Protocol protocol, Optional<String> hostname) {
    public Listener {
        hostname = hostname == null ? Optional.empty() : hostname;
    }

    /** Listener protocols the router can serve. */
    public enum Protocol { HTTP, HTTPS }
}
