package io.infergate.controller.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A core Service.
 *
 * @param type      ClusterIP (default), NodePort, LoadBalancer or ExternalName
 * @param clusterIP {@code spec.clusterIP}, empty when unset or {@code None}
 * @param selector  {@code spec.selector}; empty selects no pods
 */
public record Service(
        ObjectMeta meta, String type, Optional<String> clusterIP, Map<String, String> selector, List<Port> ports)
        implements KubeObject {
    public Service {
        selector = Map.copyOf(selector);
        ports = List.copyOf(ports);
    }

    /**
     * One {@code spec.ports[]} entry. Exactly one of the target forms is set: a number, or the
     * name of a container port of each pod. An absent {@code targetPort} means the same number as
     * {@code port}.
     */
    public record Port(
            Optional<String> name,
            int port,
            Optional<Integer> targetPortNumber,
            Optional<String> targetPortName,
            Optional<String> appProtocol) {}
}
