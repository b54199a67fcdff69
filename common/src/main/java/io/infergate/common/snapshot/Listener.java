package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * One served listener of a Gateway.
 *
 * @param name         the listener's {@code name}, unique within its Gateway
 * @param port         1..65535: the port the router serves the listener on (its socket)
 * @param protocol     HTTP, or HTTPS: TLS terminated by the router with {@code certificates}
 * @param hostname     exact ({@code a.example.com}) or wildcard ({@code *.example.com}); empty matches
 *                     any Host
 * @param publicPort   1..65535: the port clients reach the listener on, when it is not {@code port}
 *                     (a Gateway served on a reserved router port behind its own Service, see
 *                     docs/adr/0006-gateway-isolation.md). Empty means {@code port}; a value equal to
 *                     {@code port} is dropped, so one listener has one encoding and one content id
 * @param certificates HTTPS only: ids of the snapshot's {@link Certificate}s the listener serves, in
 *                     {@code tls.certificateRefs} order (the first whose key type the client accepts
 *                     is served: an RSA and an ECDSA certificate side by side work); empty for HTTP
 */
public record Listener(
        String name,
        int port,
        Protocol protocol,
        Optional<String> hostname,
        Optional<Integer> publicPort,
        List<String> certificates) {
    public Listener {
        hostname = hostname == null ? Optional.empty() : hostname;
        publicPort = publicPort == null || publicPort.filter(p -> p != port).isEmpty() ? Optional.empty() : publicPort;
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** A listener without certificates. */
    public Listener(String name, int port, Protocol protocol, Optional<String> hostname, Optional<Integer> publicPort) {
        this(name, port, protocol, hostname, publicPort, List.of());
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
