package io.infergate.common.snapshot;

import java.util.Map;
import java.util.Optional;

/**
 * One address:port the router may send requests to. For an InferencePool every target port of
 * every ready pod is its own endpoint (data-parallel ranks).
 *
 * @param address an IP address (or host name in local mode)
 * @param port    1..65535
 * @param pod     the pod's name when the endpoint is a pod
 * @param labels  the pod's labels (scheduling plugins read them, e.g. the engine type)
 */
public record Endpoint(String address, int port, Optional<String> pod, Map<String, String> labels) {
    public Endpoint {
        pod = pod == null ? Optional.empty() : pod;
        labels = Map.copyOf(labels);
    }

    /** {@code address:port}, with brackets around IPv6 addresses. */
    public String hostPort() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
