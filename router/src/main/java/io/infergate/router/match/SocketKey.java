package io.infergate.router.match;

import java.util.Locale;

/**
 * A public socket: the local address and port a listener is served on. Two Gateways that name
 * different addresses on one port get different sockets, which is how they are told apart.
 *
 * @param address an IP address literal or host name, compared as written (lower-cased)
 * @param port    1..65535
 */
public record SocketKey(String address, int port) {
    public SocketKey {
        address = address.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
