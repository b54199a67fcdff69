package io.infergate.common.snapshot;

import java.util.Optional;

/**
 * One served listener of a Gateway.
 *
 * @param name       the listener's {@code name}, unique within its Gateway
 * @param port       1..65535: the port the router serves the listener on (its socket)
 * @param protocol   HTTP today; HTTPS once TLS termination exists
 * @param hostname   exact ({@code a.example.com}) or wildcard ({@code *.example.com}); empty matches
 *                   any Host
 * @param publicPort 1..65535: the port clients reach the listener on, when it is not {@code port}
 *                   (a Gateway served on a reserved router port behind its own Service, see
 *                   docs/adr/0006-gateway-isolation.md). Empty means {@code port}; a value equal to
 *                   {@code port} is dropped, so one listener has one encoding and one content id
 */
public record Listener(
        String name, int port, Protocol protocol, Optional<String> hostname, Optional<Integer> publicPort) {
    public Listener {
        hostname = hostname == null ? Optional.empty() : hostname;
        publicPort = publicPort == null || publicPort.filter(p -> p != port).isEmpty() ? Optional.empty() : publicPort;
    }

    /** A listener that clients reach on the port it is served on. */
    public Listener(String name, int port, Protocol protocol, Optional<String> hostname) {
        this(name, port, protocol, hostname, Optional.empty());
    }

    /** The port clients reach the listener on: {@code publicPort} when set, else {@code port}. */
    public int clientPort() {
        return publicPort.orElse(port);
    }

    /** Listener protocols the router can serve. */
    public enum Protocol {
        HTTP,
        HTTPS
    }
}
