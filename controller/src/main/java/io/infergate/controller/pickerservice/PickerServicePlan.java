package io.infergate.controller.pickerservice;

import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.Service;
import io.infergate.controller.pickerservice.PickerObjects.Conflict;
import io.infergate.controller.pickerservice.PickerObjects.Endpoint;
import io.infergate.controller.pickerservice.PickerObjects.Port;
import io.infergate.controller.pickerservice.PickerObjects.Slice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which picker Services and EndpointSlices should exist, from the pools and the router pods.
 * Pure: the same inputs give the same plan, every list sorted.
 *
 * <p>Rules:
 * <ul>
 *   <li>A namespace needs the picker Service when some InferencePool in it, not being deleted,
 *   has an {@code endpointPickerRef} to a core Service of the configured name. The routers'
 *   own namespace never does (the endpoint-picker component's Service there selects the routers).
 *   <li>The Service is selectorless, ClusterIP, with the ext_proc port ({@code grpc-ext-proc},
 *   appProtocol {@code http2}, as the reference picker's Service) and the health port
 *   ({@code grpc-health}, {@code grpc}), carrying {@link PickerObjects#MANAGED_LABEL}.
 *   <li>Its endpoints are the READY router pods (a router that is starting or draining gets no
 *   picker traffic), one slice per address family: {@code <name>-ipv4} always (empty when no router
 *   is ready, so the Service has its slice), {@code <name>-ipv6} when a ready router has an IPv6
 *   address. Addresses the API refuses in a slice (loopback, link-local, unspecified) are left out.
 *   <li>A Service of that name without {@link PickerObjects#MANAGED_LABEL} is someone else's (for
 *   example the hand-written one the docs once asked for): the namespace is left alone, and every
 *   pool there that names it gets a {@link Conflict} {@value #NOT_OWNED}.
 * </ul>
 */
public final class PickerServicePlan {

    /** The reason reported on a pool whose picker Service was made by someone else. */
    public static final String NOT_OWNED = "PickerServiceNotOwned";

    private PickerServicePlan() {}

    /** A router pod as discovery sees it. */
    public record Router(String name, String ip, boolean ready) {}

    /** What should exist, and the pools the controller cannot serve this way. */
    public record Plan(List<PickerObjects.Service> services, List<Slice> slices, List<Conflict> conflicts) {
        public Plan {
            services = List.copyOf(services);
            slices = List.copyOf(slices);
            conflicts = List.copyOf(conflicts);
        }
    }

    public static Plan plan(
            List<InferencePool> pools, List<Service> services, List<Router> routers, PickerServiceSettings settings) {
        Set<String> namespaces = new TreeSet<>();
        for (InferencePool p : pools) {
            if (namesPicker(p, settings)) {
                namespaces.add(p.meta().namespace());
            }
        }
        List<Endpoint> v4 = new ArrayList<>();
        List<Endpoint> v6 = new ArrayList<>();
        routers.stream()
                .filter(Router::ready)
                .filter(r -> usable(r.ip()))
                .sorted(Comparator.comparing(Router::ip).thenComparing(Router::name))
                .forEach(r -> (r.ip().contains(":") ? v6 : v4)
                        .add(new Endpoint(r.ip(), settings.routerNamespace(), r.name())));
        List<Port> ports = List.of(
                new Port("grpc-ext-proc", settings.extProcPort(), "http2"),
                new Port("grpc-health", settings.healthPort(), "grpc"));
        List<PickerObjects.Service> wantServices = new ArrayList<>();
        List<Slice> wantSlices = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        for (String ns : namespaces) {
            Service existing = services.stream()
                    .filter(s ->
                            s.meta().namespace().equals(ns) && s.meta().name().equals(settings.name()))
                    .findFirst()
                    .orElse(null);
            if (existing != null && !"true".equals(existing.meta().labels().get(PickerObjects.MANAGED_LABEL))) {
                for (InferencePool p : pools) {
                    if (p.meta().namespace().equals(ns) && namesPicker(p, settings)) {
                        conflicts.add(new Conflict(
                                ns,
                                p.meta().name(),
                                NOT_OWNED,
                                "Service " + ns + "/" + settings.name() + " exists without label "
                                        + PickerObjects.MANAGED_LABEL + "=true, so the controller does not"
                                        + " keep its endpoints in step with the router pods; delete it to"
                                        + " have it managed, or keep its EndpointSlices in step yourself"));
                    }
                }
                continue;
            }
            wantServices.add(new PickerObjects.Service(ns, settings.name(), ports));
            wantSlices.add(new Slice(ns, settings.name() + "-ipv4", settings.name(), "IPv4", ports, v4));
            if (!v6.isEmpty()) {
                wantSlices.add(new Slice(ns, settings.name() + "-ipv6", settings.name(), "IPv6", ports, v6));
            }
        }
        return new Plan(wantServices, wantSlices, conflicts);
    }

    private static boolean namesPicker(InferencePool p, PickerServiceSettings settings) {
        return !p.meta().deleting()
                && !p.meta().namespace().equals(settings.routerNamespace())
                && p.endpointPickerRef()
                        .filter(r -> r.group().isEmpty()
                                && r.kind().equals("Service")
                                && r.name().equals(settings.name()))
                        .isPresent();
    }

    /** Whether an EndpointSlice may hold this address (the API refuses loopback, link-local, unspecified). */
    static boolean usable(String ip) {
        String a = ip.toLowerCase(java.util.Locale.ROOT);
        if (a.isEmpty()) {
            return false;
        }
        if (a.contains(":")) {
            return !a.equals("::1") && !a.equals("::") && !a.startsWith("fe80:");
        }
        return !a.startsWith("127.") && !a.startsWith("169.254.") && !a.equals("0.0.0.0");
    }
}
