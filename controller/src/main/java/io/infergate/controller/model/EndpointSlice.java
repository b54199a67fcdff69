package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * A {@code discovery.k8s.io/v1} EndpointSlice: where a Service's endpoints are in a cluster.
 *
 * @param serviceName the label {@code kubernetes.io/service-name}; a slice without it belongs to no Service
 * @param addressType IPv4, IPv6 or FQDN
 * @param ports       {@code ports[]}; the name is {@code ""} for the Service's unnamed port
 * @param endpoints   {@code endpoints[]}
 */
public record EndpointSlice(
        ObjectMeta meta, Optional<String> serviceName, String addressType, List<Port> ports, List<Endpoint> endpoints)
        implements KubeObject {

    /** The label that ties a slice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public EndpointSlice {
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One {@code ports[]} entry.
     *
     * @param name the Service port's name, {@code ""} when unnamed
     * @param port the number; empty means "all ports", which a Service slice never uses
     */
    public record Port(String name, Optional<Integer> port) {}

    /**
     * One {@code endpoints[]} entry.
     *
     * @param addresses {@code addresses}; consumers use the first, as kube-proxy does
     * @param ready     {@code conditions.ready}, unset counting as ready (the API's rule)
     * @param podName   {@code targetRef.name} when the target is a Pod
     */
    public record Endpoint(List<String> addresses, boolean ready, Optional<String> podName) {
        public Endpoint {
            addresses = List.copyOf(addresses);
        }
    }
}
