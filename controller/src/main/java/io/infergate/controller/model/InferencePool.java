package io.infergate.controller.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An InferencePool ({@code inference.networking.k8s.io/v1}).
 *
 * @param matchLabels       {@code spec.selector.matchLabels} (1..64 labels, same namespace)
 * @param targetPorts       {@code spec.targetPorts[].number}, unique
 * @param appProtocol       {@code spec.appProtocol}: {@code http} (default) or {@code kubernetes.io/h2c}
 * @param endpointPickerRef {@code spec.endpointPickerRef}
 */
public record InferencePool(
        ObjectMeta meta,
        Map<String, String> matchLabels,
        List<Integer> targetPorts,
        String appProtocol,
        Optional<EndpointPickerRef> endpointPickerRef)
        implements KubeObject {
    public InferencePool {
        matchLabels = Map.copyOf(matchLabels);
        targetPorts = List.copyOf(targetPorts);
    }

    /**
     * The endpoint picker extension reference.
     *
     * @param group       default {@code ""}
     * @param kind        default Service
     * @param port        the Service port; required for a Service
     * @param failureMode FailClose (default) or FailOpen
     */
    public record EndpointPickerRef(
            String group, String kind, String name, Optional<Integer> port, String failureMode) {}
}
