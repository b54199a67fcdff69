package io.infergate.controller.translate;

import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.EndpointSlice;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.Namespace;
import io.infergate.controller.model.Pod;
import io.infergate.controller.model.ReferenceGrant;
import io.infergate.controller.model.Service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Lookups over one ClusterState, built once per translation. */
final class Index {

    /** The label Kubernetes puts on every Namespace. */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    static final String INFERENCE_GROUP = "inference.networking.k8s.io";

    private final Map<String, Map<String, String>> namespaceLabels;
    private final Map<String, Service> services;
    private final Map<String, InferencePool> pools;
    private final Map<String, List<Pod>> podsByNamespace;
    private final Map<String, Pod> podsByPath;
    private final Map<String, List<EndpointSlice>> slicesByService;
    private final List<ReferenceGrant> grants;
    private final Map<String, io.infergate.controller.model.Secret> secrets;

    Index(ClusterState state) {
        namespaceLabels = state.namespaces().stream()
                .collect(Collectors.toMap(n -> n.meta().name(), Index::labelsOf, (a, b) -> a));
        services =
                state.services().stream().collect(Collectors.toMap(s -> s.meta().path(), s -> s, (a, b) -> a));
        pools = state.inferencePools().stream()
                .collect(Collectors.toMap(p -> p.meta().path(), p -> p, (a, b) -> a));
        podsByNamespace = state.pods().stream()
                .collect(Collectors.groupingBy(p -> p.meta().namespace()));
        podsByPath =
                state.pods().stream().collect(Collectors.toMap(p -> p.meta().path(), p -> p, (a, b) -> a));
        slicesByService = state.endpointSlices().stream()
                .filter(s -> s.serviceName().isPresent())
                .collect(Collectors.groupingBy(
                        s -> s.meta().namespace() + "/" + s.serviceName().get()));
        grants = state.referenceGrants();
        secrets =
                state.secrets().stream().collect(Collectors.toMap(s -> s.meta().path(), s -> s, (a, b) -> a));
    }

    /** The Secret {@code namespace/name}, if the state has it (Kubernetes: only TLS Secrets are read). */
    java.util.Optional<io.infergate.controller.model.Secret> secret(String namespace, String name) {
        return java.util.Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    /**
     * A namespace's labels. Namespaces that are not listed exist implicitly, the way every
     * namespace an object names exists in a cluster; all carry {@code kubernetes.io/metadata.name}.
     */
    Map<String, String> namespaceLabels(String namespace) {
        return namespaceLabels.getOrDefault(namespace, Map.of(NAMESPACE_NAME_LABEL, namespace));
    }

    Service service(String namespace, String name) {
        return services.get(namespace + "/" + name);
    }

    InferencePool pool(String namespace, String name) {
        return pools.get(namespace + "/" + name);
    }

    /** Pods of a namespace in name order. */
    List<Pod> pods(String namespace) {
        return podsByNamespace.getOrDefault(namespace, List.of());
    }

    /** A pod by namespace and name, or null. */
    Pod pod(String namespace, String name) {
        return podsByPath.get(namespace + "/" + name);
    }

    /** The EndpointSlices of a Service, in slice name order. */
    List<EndpointSlice> endpointSlices(String namespace, String service) {
        return slicesByService.getOrDefault(namespace + "/" + service, List.of());
    }

    /**
     * Whether a ReferenceGrant in {@code toNamespace} lets an HTTPRoute in {@code fromNamespace}
     * refer to the object {@code group/kind/name} there. Same-namespace references need none.
     */
    boolean routeMayReference(String fromNamespace, String toNamespace, String group, String kind, String name) {
        return mayReference("HTTPRoute", fromNamespace, toNamespace, group, kind, name);
    }

    /** As {@link #routeMayReference}, for a Gateway's reference (a listener's certificateRef). */
    boolean gatewayMayReference(String fromNamespace, String toNamespace, String group, String kind, String name) {
        return mayReference("Gateway", fromNamespace, toNamespace, group, kind, name);
    }

    private boolean mayReference(
            String fromKind, String fromNamespace, String toNamespace, String group, String kind, String name) {
        if (fromNamespace.equals(toNamespace)) {
            return true;
        }
        return grants.stream()
                .filter(g -> g.meta().namespace().equals(toNamespace))
                .anyMatch(g -> g.from().stream()
                                .anyMatch(f -> f.group().equals(GATEWAY_GROUP)
                                        && f.kind().equals(fromKind)
                                        && f.namespace().equals(fromNamespace))
                        && g.to().stream()
                                .anyMatch(t -> t.group().equals(group)
                                        && t.kind().equals(kind)
                                        && t.name().map(name::equals).orElse(true)));
    }

    private static Map<String, String> labelsOf(Namespace n) {
        Map<String, String> labels = new HashMap<>(n.meta().labels());
        labels.put(NAMESPACE_NAME_LABEL, n.meta().name());
        return Map.copyOf(labels);
    }
}
