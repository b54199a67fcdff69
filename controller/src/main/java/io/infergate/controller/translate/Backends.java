package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.controller.model.EndpointSlice;
import io.infergate.controller.model.HttpRouteObject.ObjectRef;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.Pod;
import io.infergate.controller.model.Service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Resolves backendRefs to snapshot backends and collects every backend some reference resolved to.
 *
 * <p>Rules: a Service ref needs a port that the Service declares; its endpoints are the ready
 * pods its selector picks, at the port's targetPort (a number, or a pod's named container port),
 * or in cluster mode the ready endpoints of its EndpointSlices at the slice port of the same name.
 * An InferencePool ref ignores the port; its endpoints are every ready pod matching the pool's
 * selector times each target port (narrowed by the pod annotation
 * {@code inference.networking.k8s.io/active-ports}). Another namespace needs a ReferenceGrant.
 * An {@code infergate.io} ExternalProvider ref is served when the provider is ({@link ExternalProviders}).
 * Any other group/kind is {@code InvalidKind}.
 */
final class Backends {

    static final String ACTIVE_PORTS = "inference.networking.k8s.io/active-ports";
    static final String H2C = "kubernetes.io/h2c";
    /** The group of our own backend kind, ExternalProvider. */
    static final String PROVIDER_GROUP = "infergate.io";

    private final Index index;
    private final TranslatorConfig.ServiceEndpoints serviceEndpoints;
    private final Map<String, Backend> used = new TreeMap<>();
    private final ExternalProviders providers;

    Backends(Index index, TranslatorConfig.ServiceEndpoints serviceEndpoints, ExternalProviders providers) {
        this.index = index;
        this.serviceEndpoints = serviceEndpoints;
        this.providers = providers;
    }

    /** The outcome of resolving one reference. */
    sealed interface Resolution {
        /** Resolved to a backend in the snapshot. {@code poolPath} is set for InferencePools. */
        record Resolved(String backendId, Optional<String> poolPath) implements Resolution {}

        /**
         * Not resolved: a ResolvedRefs reason and why. {@code poolPath} is set when the reference
         * names an existing InferencePool that cannot be served, so that the pool's status can say why.
         */
        record Unresolved(String reason, String message, Optional<String> poolPath) implements Resolution {
            Unresolved(String reason, String message) {
                this(reason, message, Optional.empty());
            }
        }
    }

    /** Every backend that some reference resolved to, by id. */
    List<Backend> used() {
        return List.copyOf(used.values());
    }

    /**
     * Resolves a pool that no route of ours references (one that names Infergate's own picker,
     * {@link Translator#OWN_PICKER_SERVICE}); the backend id, empty when it cannot be served.
     */
    Optional<String> unreferencedPool(InferencePool p) {
        String what = "InferencePool " + p.meta().namespace() + "/" + p.meta().name();
        return pool(p.meta().namespace(), p.meta().name(), what) instanceof Resolution.Resolved r
                ? Optional.of(r.backendId())
                : Optional.empty();
    }

    Resolution resolve(ObjectRef ref, String routeNamespace) {
        String namespace = ref.namespace().orElse(routeNamespace);
        String what = ref.kind() + " " + namespace + "/" + ref.name();
        boolean service = ref.group().isEmpty() && ref.kind().equals("Service");
        boolean pool = ref.group().equals(Index.INFERENCE_GROUP) && ref.kind().equals("InferencePool");
        boolean provider = ref.group().equals(PROVIDER_GROUP) && ref.kind().equals("ExternalProvider");
        if (!service && !pool && !provider) {
            return new Resolution.Unresolved(
                    "InvalidKind",
                    "backendRef kind " + groupKind(ref) + " is not supported " + "(supported: Service, "
                            + Index.INFERENCE_GROUP + "/InferencePool, " + PROVIDER_GROUP + "/ExternalProvider)");
        }
        if (!index.routeMayReference(routeNamespace, namespace, ref.group(), ref.kind(), ref.name())) {
            return new Resolution.Unresolved(
                    "RefNotPermitted",
                    "backendRef to " + what
                            + " is not permitted: no ReferenceGrant in namespace " + namespace
                            + " allows HTTPRoutes from namespace " + routeNamespace);
        }
        if (provider) {
            return provider(namespace, ref.name(), what);
        }
        return service ? service(ref, namespace, what) : pool(namespace, ref.name(), what);
    }

    /** An ExternalProvider: served when its verdict is; otherwise BackendNotFound with the provider's reason. */
    private Resolution provider(String namespace, String name, String what) {
        Optional<ExternalProviders.Verdict> verdict = providers.verdict(namespace, name);
        if (verdict.isEmpty()) {
            return new Resolution.Unresolved("BackendNotFound", "backendRef " + what + " does not exist");
        }
        return switch (verdict.get()) {
            case ExternalProviders.Verdict.Served s -> {
                used.putIfAbsent(s.backend().id(), s.backend());
                yield new Resolution.Resolved(s.backend().id(), Optional.empty());
            }
            case ExternalProviders.Verdict.Refused r ->
                new Resolution.Unresolved(
                        "BackendNotFound",
                        "backendRef " + what + " cannot be served (" + r.reason() + "): " + r.message());
        };
    }

    private Resolution service(ObjectRef ref, String namespace, String what) {
        Service s = index.service(namespace, ref.name());
        if (s == null) {
            return new Resolution.Unresolved("BackendNotFound", "backendRef " + what + " does not exist");
        }
        if (ref.port().isEmpty()) {
            return new Resolution.Unresolved("BackendNotFound", "backendRef " + what + " needs a port");
        }
        int port = ref.port().get();
        Optional<Service.Port> sp =
                s.ports().stream().filter(p -> p.port() == port).findFirst();
        if (sp.isEmpty()) {
            return new Resolution.Unresolved("BackendNotFound", "backendRef " + what + " has no port " + port);
        }
        String id = Backend.Service.idOf(namespace, s.meta().name(), port);
        used.computeIfAbsent(
                id,
                k -> new Backend.Service(
                        id,
                        namespace,
                        s.meta().name(),
                        port,
                        sp.get().appProtocol().filter(H2C::equals).isPresent()
                                ? Backend.AppProtocol.H2C
                                : Backend.AppProtocol.HTTP,
                        serviceEndpoints(s, sp.get())));
        return new Resolution.Resolved(id, Optional.empty());
    }

    private Resolution pool(String namespace, String name, String what) {
        InferencePool p = index.pool(namespace, name);
        if (p == null) {
            return new Resolution.Unresolved("BackendNotFound", "backendRef " + what + " does not exist");
        }
        EndpointPickers.Check picker = EndpointPickers.check(p, index);
        if (!picker.usable()) {
            return new Resolution.Unresolved(
                    "BackendNotFound",
                    "backendRef " + what + " cannot be served: "
                            + picker.problem().orElse("invalid endpointPickerRef"),
                    Optional.of(p.meta().path()));
        }
        String id = Backend.InferencePool.idOf(namespace, name);
        used.computeIfAbsent(
                id,
                k -> new Backend.InferencePool(
                        id,
                        namespace,
                        name,
                        H2C.equals(p.appProtocol()) ? Backend.AppProtocol.H2C : Backend.AppProtocol.HTTP,
                        poolEndpoints(p),
                        picker.picker()));
        return new Resolution.Resolved(id, Optional.of(p.meta().path()));
    }

    private List<Endpoint> serviceEndpoints(Service s, Service.Port port) {
        if (serviceEndpoints == TranslatorConfig.ServiceEndpoints.ENDPOINT_SLICES) {
            return sliceEndpoints(s, port);
        }
        if (s.selector().isEmpty()) {
            return List
                    .of(); // Selector-less Services get endpoints from EndpointSlices, which local mode does not model.
        }
        List<Endpoint> out = new ArrayList<>();
        for (Pod pod : index.pods(s.meta().namespace())) {
            if (!pod.servesTraffic()
                    || !LabelSelectors.matches(s.selector(), pod.meta().labels())) {
                continue;
            }
            Optional<Integer> target = port.targetPortNumber()
                    .or(() -> port.targetPortName()
                            .flatMap(n -> pod.containerPorts().stream()
                                    .filter(c -> c.name().filter(n::equals).isPresent())
                                    .map(Pod.ContainerPort::containerPort)
                                    .findFirst()));
            target.ifPresent(t -> out.add(endpoint(pod, t)));
        }
        return sorted(out);
    }

    /**
     * A Service's endpoints from its EndpointSlices: the slice port named like the Service port
     * ({@code ""} for an unnamed one) gives the number; ready IPv4/IPv6 endpoints count, each once
     * (its first address, as kube-proxy uses). Pod labels are attached when the Pod is known.
     */
    private List<Endpoint> sliceEndpoints(Service s, Service.Port port) {
        String portName = port.name().orElse("");
        Map<String, Endpoint> out = new TreeMap<>();
        for (EndpointSlice slice :
                index.endpointSlices(s.meta().namespace(), s.meta().name())) {
            if (!slice.addressType().equals("IPv4") && !slice.addressType().equals("IPv6")) {
                continue;
            }
            Optional<Integer> number = slice.ports().stream()
                    .filter(p -> p.name().equals(portName))
                    .map(EndpointSlice.Port::port)
                    .flatMap(Optional::stream)
                    .findFirst();
            if (number.isEmpty()) {
                continue;
            }
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                if (!e.ready() || e.addresses().isEmpty()) {
                    continue;
                }
                String address = e.addresses().getFirst();
                Map<String, String> labels = e.podName()
                        .map(n -> index.pod(s.meta().namespace(), n))
                        .map(p -> p.meta().labels())
                        .orElse(Map.of());
                out.putIfAbsent(address + "|" + number.get(), new Endpoint(address, number.get(), e.podName(), labels));
            }
        }
        return sorted(new ArrayList<>(out.values()));
    }

    private List<Endpoint> poolEndpoints(InferencePool p) {
        List<Endpoint> out = new ArrayList<>();
        for (Pod pod : index.pods(p.meta().namespace())) {
            if (!pod.servesTraffic()
                    || !LabelSelectors.matches(p.matchLabels(), pod.meta().labels())) {
                continue;
            }
            Set<Integer> active = activePorts(pod, p.targetPorts());
            p.targetPorts().stream().filter(active::contains).forEach(t -> out.add(endpoint(pod, t)));
        }
        return sorted(out);
    }

    /**
     * The annotation, when present, narrows the target ports to those it lists; tokens that are
     * not target port numbers are ignored, so an empty annotation leaves no port active.
     */
    static Set<Integer> activePorts(Pod pod, List<Integer> targetPorts) {
        String annotation = pod.meta().annotations().get(ACTIVE_PORTS);
        if (annotation == null) {
            return Set.copyOf(targetPorts);
        }
        return Arrays.stream(annotation.split(","))
                .map(String::strip)
                .map(Backends::portNumber)
                .filter(Objects::nonNull)
                .filter(targetPorts::contains)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Integer portNumber(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Endpoint endpoint(Pod pod, int port) {
        return new Endpoint(
                pod.podIP().orElseThrow(),
                port,
                Optional.of(pod.meta().name()),
                pod.meta().labels());
    }

    private static List<Endpoint> sorted(List<Endpoint> endpoints) {
        return endpoints.stream()
                .sorted(Comparator.comparing((Endpoint e) -> e.pod().orElse(""))
                        .thenComparingInt(Endpoint::port)
                        .thenComparing(Endpoint::address))
                .toList();
    }

    private static String groupKind(ObjectRef ref) {
        return ref.group().isEmpty() ? ref.kind() : ref.group() + "/" + ref.kind();
    }
}
