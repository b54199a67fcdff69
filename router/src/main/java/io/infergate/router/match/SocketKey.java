package io.infergate.router.match;

import java.util.Locale;

/**
 * A public socket: the local address and port a listener is served on, and whether it terminates
 * TLS. Two Gateways that name different addresses on one port get different sockets, which is how
 * they are told apart; one socket serves either HTTP or HTTPS listeners, never both.
 *
 * @param address an IP address literal or host name, compared as written (lower-cased)
 * @param port    1..65535
 * @param tls     the socket serves HTTPS listeners (TLS terminated here)
 */
public record SocketKey(String address, int port, boolean tls) {
    public SocketKey {
        address = address.trim().toLowerCase(Locale.ROOT);
    }

    /** A cleartext socket. */
    public SocketKey(String address, int port) {
        this(address, port, false);
    }

    /** The same address and port, whatever the protocol. */
    public boolean sameEndpoint(SocketKey other) {
        return port == other.port && address.equals(other.address);
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port + (tls ? " (TLS)" : "");
    }
}
