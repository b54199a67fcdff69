package io.infergate.controller.translate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which router port serves each listener port of each Gateway (docs/adr/0006-gateway-isolation.md).
 *
 * <p>Shared (local mode): every listener is served on its own port; Gateways are kept apart by
 * {@code spec.addresses}, and a socket taken by an older Gateway makes the listener unavailable
 * ({@link ListenerConflicts#across}).
 *
 * <p>Per Gateway (Kubernetes): router pods have one address, so Gateways are kept apart by router
 * port instead. In age order (creationTimestamp, then {@code namespace/name}), a Gateway whose
 * listener ports are all still free and outside the reserved range is served on them ("native"),
 * reachable through the router Service as before. Any other Gateway is "remapped": each of its
 * listener ports gets a router port of the reserved range, and the controller maintains a Service
 * for it that maps each listener port to its router port. A router port is picked by hashing
 * {@code namespace/name/port} into the range and probing upwards, so that adding or removing other
 * Gateways rarely moves it. When the range is full, the Gateway's listeners are unavailable.
 * With {@code everyGateway} (--service-per-gateway) no Gateway is native: each one has a Service
 * of its own whose address reaches its listeners on their own ports.
 */
final class RouterPorts {

    private RouterPorts() {}

    /**
     * The outcome.
     *
     * @param ports     per Gateway ({@code ns/name}), listener port to router port, for accepted Gateways
     * @param remapped  Gateways served on reserved-range ports (each gets its own Service)
     * @param exhausted Gateways that could not get router ports, with why
     */
    record Plan(Map<String, Map<Integer, Integer>> ports, Set<String> remapped, Map<String, String> exhausted) {

        int routerPort(String gateway, int port) {
            return ports.getOrDefault(gateway, Map.of()).getOrDefault(port, port);
        }
    }

    /**
     * Assigns each Gateway its router ports.
     *
     * @param byAge    every accepted Gateway's path and its served listener ports, oldest first
     * @param settings the isolation settings
     */
    static Plan plan(SequencedMap<String, Set<Integer>> byAge, Isolation settings) {
        Map<String, Map<Integer, Integer>> out = new LinkedHashMap<>();
        if (!(settings instanceof Isolation.PerGateway perGateway)) {
            byAge.forEach((gw, ports) -> out.put(gw, identity(ports)));
            return new Plan(out, Set.of(), Map.of());
        }
        int start = perGateway.ports().start();
        int size = perGateway.ports().size();
        Set<Integer> taken = new HashSet<>();
        Set<String> remapped = new TreeSet<>();
        Map<String, String> exhausted = new HashMap<>();
        for (Map.Entry<String, Set<Integer>> e : byAge.entrySet()) {
            Set<Integer> ports = e.getValue();
            boolean nativeOk = !perGateway.everyGateway()
                    && ports.stream().noneMatch(p -> taken.contains(p) || (p >= start && p < start + size));
            if (nativeOk) {
                taken.addAll(ports);
                out.put(e.getKey(), identity(ports));
                continue;
            }
            Map<Integer, Integer> mapped = new LinkedHashMap<>();
            for (int port : new TreeSet<>(ports)) {
                int first = Math.floorMod((e.getKey() + "/" + port).hashCode(), size);
                for (int i = 0; i < size; i++) {
                    int candidate = start + (first + i) % size;
                    if (!taken.contains(candidate)) {
                        mapped.put(port, candidate);
                        taken.add(candidate);
                        break;
                    }
                }
            }
            if (mapped.size() < ports.size()) {
                mapped.values().forEach(taken::remove);
                exhausted.put(
                        e.getKey(),
                        "no free router port left in " + start + ".." + (start + size - 1)
                                + " (the router ports reserved for Gateways that share a port with an older Gateway or"
                                + " listen on a port inside this range; see --gateway-ports)");
            } else {
                remapped.add(e.getKey());
                out.put(e.getKey(), mapped);
            }
        }
        return new Plan(out, remapped, exhausted);
    }

    private static Map<Integer, Integer> identity(Set<Integer> ports) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        new TreeSet<>(ports).forEach(p -> m.put(p, p));
        return m;
    }

    /** The listener ports of a Gateway's served listeners. */
    static Set<Integer> servedPorts(List<GatewayView.ListenerView> listeners) {
        Set<Integer> out = new TreeSet<>();
        listeners.stream()
                .filter(GatewayView.ListenerView::served)
                .forEach(l -> out.add(l.spec().port()));
        return out;
    }
}
