package io.infergate.controller.translate;

import java.util.List;

/**
 * A Service the controller maintains, in its own namespace, for a Gateway served on router ports of
 * the reserved range ({@link RouterPorts}): it selects the router pods and maps each listener port
 * of the Gateway to the router port that serves it. Its addresses become the Gateway's
 * {@code status.addresses}.
 *
 * @param namespace the Gateway's namespace
 * @param name      the Gateway's name
 * @param ports     one entry per distinct listener port, ascending
 */
public record GatewayService(String namespace, String name, List<Port> ports) {
    public GatewayService {
        ports = List.copyOf(ports);
    }

    /** {@code port} as clients use it, {@code routerPort} where routers serve it. */
    public record Port(int port, int routerPort) {}
}
