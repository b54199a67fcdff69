package io.infergate.controller.translate;

import java.util.List;
import java.util.Map;

/**
 * How Gateways that share a listener port are kept apart (docs/adr/0006-gateway-isolation.md).
 */
public sealed interface Isolation permits Isolation.Shared, Isolation.PerGateway {

    /** Local mode: every Gateway is served on its own listener ports, kept apart by {@code spec.addresses}. */
    Isolation SHARED = new Shared();

    /** Gateways share router ports; two that claim one port and address are a conflict (PortUnavailable). */
    record Shared() implements Isolation {}

    /**
     * Kubernetes: a Gateway whose port an older Gateway serves gets router ports from
     * {@code ports} and a Service of its own.
     *
     * @param everyGateway     every Gateway is remapped, none is served natively through the router
     *                         Service: each Gateway's status address then reaches its listeners on
     *                         their own ports (docs/adr/0028-gateway-api-conformance-on-the-cluster.md)
     * @param serviceAddresses per Gateway ({@code ns/name}), the addresses of its Service, once known
     */
    record PerGateway(PortRange ports, boolean everyGateway, Map<String, List<String>> serviceAddresses)
            implements Isolation {
        public PerGateway {
            serviceAddresses = Map.copyOf(serviceAddresses);
        }

        public PerGateway withServiceAddresses(Map<String, List<String>> addresses) {
            return new PerGateway(ports, everyGateway, addresses);
        }

        public PerGateway withEveryGateway(boolean value) {
            return new PerGateway(ports, value, serviceAddresses);
        }
    }

    /** Router ports {@code start .. start + size - 1}, all within 1..65535. */
    record PortRange(int start, int size) {
        public PortRange {
            if (size < 1 || start < 1 || start + size - 1 > 65535) {
                throw new IllegalArgumentException(
                        "router port range " + start + " + " + size + " is not within 1..65535");
            }
        }

        public int last() {
            return start + size - 1;
        }

        public boolean contains(int port) {
            return port >= start && port <= last();
        }
    }

    /** Per-Gateway ports from {@code start .. start + size - 1}, no Service addresses known yet. */
    static PerGateway perGateway(int start, int size) {
        return new PerGateway(new PortRange(start, size), false, Map.of());
    }
}
