package io.infergate.common.snapshot;

import java.util.List;

/**
 * An accepted Gateway of our GatewayClass.
 *
 * @param id        {@code gateway/<namespace>/<name>}
 * @param namespace the Gateway's namespace
 * @param name      the Gateway's name
 * @param addresses IP addresses from {@code spec.addresses} (type IPAddress) the router binds this
 *                  Gateway's listeners on; empty means the router's own bind address. Distinct
 *                  addresses let two Gateways share a port without seeing each other's routes.
 * @param listeners the listeners that are served (conflicted or invalid ones are left out)
 */
public record Gateway(String id, String namespace, String name, List<String> addresses, List<Listener> listeners) {
    public Gateway {
        addresses = List.copyOf(addresses);
        listeners = List.copyOf(listeners);
    }

    /** The canonical id of a Gateway. */
    public static String idOf(String namespace, String name) {
        return "gateway/" + namespace + "/" + name;
    }
}
