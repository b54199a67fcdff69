package io.infergate.controller.translate;

import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.Listener;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.GatewayClass;
import io.infergate.controller.model.GatewayObject;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ObjectStatus.GroupKind;
import io.infergate.controller.status.Programmed;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * GatewayClasses and Gateways: which are ours, which listeners are served, and their status.
 *
 * <p>Rules: a GatewayClass is ours when its controllerName is ours; a Gateway is ours when its
 * class is. HTTP listeners and HTTPS listeners that terminate TLS are served (others get
 * {@code Accepted=False/UnsupportedProtocol} and no supportedKinds); an HTTPS listener whose
 * certificateRefs do not resolve ({@link ListenerTls}) is accepted but not served: ResolvedRefs
 * and Programmed False, routes attach and count but get no data-plane configuration; conflicting listeners ({@link ListenerConflicts}) are
 * {@code Conflicted=True} with {@code HostnameConflict} or {@code ProtocolConflict},
 * {@code Accepted=False/Invalid} and not served; a listener whose socket and hostname an older
 * Gateway serves is {@code Accepted=False/PortUnavailable}. A Gateway is accepted when at least one
 * listener is (reason {@code ListenersNotValid} when some are not) and its {@code spec.addresses}
 * are IP addresses; it is served (snapshot, addresses, Programmed) when a listener is served. Programmed is {@code False/Pending} until a router acknowledges
 * ({@link Programmed}).
 */
final class Gateways {

    static final String API_VERSION = "gateway.networking.k8s.io/v1";
    private static final GroupKind HTTP_ROUTE = new GroupKind(Index.GATEWAY_GROUP, "HTTPRoute");
    private static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

    private Gateways() {}

    /** Names of our GatewayClasses. */
    static Set<String> ourClasses(ClusterState state, TranslatorConfig config) {
        return state.gatewayClasses().stream()
                .filter(c -> c.controllerName().equals(config.controllerName()))
                .map(c -> c.meta().name())
                .collect(Collectors.toUnmodifiableSet());
    }

    static List<StatusPlan.Entry> classStatuses(ClusterState state, TranslatorConfig config) {
        List<StatusPlan.Entry> out = new ArrayList<>();
        for (GatewayClass c : state.gatewayClasses()) {
            if (c.controllerName().equals(config.controllerName())) {
                out.add(new StatusPlan.Entry(
                        new ObjectKey(API_VERSION, "GatewayClass", "", c.meta().name()),
                        new ObjectStatus.GatewayClassStatus(List.of(Condition.isTrue(
                                "Accepted",
                                "Accepted",
                                "handled by " + config.controllerName(),
                                c.meta().generation())))));
            }
        }
        return out;
    }

    /**
     * Our Gateways judged, and the router ports that serve them.
     *
     * @param views per {@code namespace/name}, in input order
     * @param ports the router port of every served listener port ({@link RouterPorts})
     */
    record Judged(Map<String, GatewayView> views, RouterPorts.Plan ports) {}

    /**
     * Our Gateways by {@code namespace/name}, in that order, each listener judged on its own, within
     * its Gateway, and against older Gateways: on the same socket ({@link ListenerConflicts}) when
     * Gateways share router ports, for a router port of the reserved range when they do not.
     */
    static Judged judge(ClusterState state, Set<String> ourClasses, Isolation isolation, Index index) {
        Map<String, GatewayView> out = new LinkedHashMap<>();
        for (GatewayObject g : state.gateways()) {
            if (ourClasses.contains(g.gatewayClassName())) {
                out.put(g.meta().path(), view(g, index));
            }
        }
        if (isolation instanceof Isolation.Shared) {
            List<ListenerConflicts.Claim> claims = new ArrayList<>();
            for (GatewayView v : byAge(out)) {
                for (GatewayView.ListenerView l : v.listeners()) {
                    if (l.served()) {
                        claims.add(new ListenerConflicts.Claim(
                                v.gateway().meta().path(),
                                l.name(),
                                v.gateway().addresses().stream()
                                        .map(GatewayObject.Address::value)
                                        .toList(),
                                l.spec().port(),
                                l.spec().hostname()));
                    }
                }
            }
            Map<String, String> lost = ListenerConflicts.across(claims);
            out.replaceAll((path, v) -> unavailable(v, l -> lost.get(path + "/" + l.name())));
        }
        LinkedHashMap<String, Set<Integer>> ports = new LinkedHashMap<>();
        for (GatewayView v : byAge(out)) {
            Set<Integer> served = RouterPorts.servedPorts(v.listeners());
            if (!served.isEmpty()) {
                ports.put(v.gateway().meta().path(), served);
            }
        }
        RouterPorts.Plan plan = RouterPorts.plan(ports, isolation);
        out.replaceAll(
                (path, v) -> unavailable(v, l -> l.served() ? plan.exhausted().get(path) : null));
        return new Judged(out, plan);
    }

    /** Accepted Gateways, oldest first (creationTimestamp, then {@code namespace/name}). */
    private static List<GatewayView> byAge(Map<String, GatewayView> views) {
        return views.values().stream()
                .filter(v -> v.addressProblem().isEmpty())
                .sorted(Comparator.comparing(
                                (GatewayView v) -> v.gateway().meta().creationTimestamp())
                        .thenComparing(v -> v.gateway().meta().path()))
                .toList();
    }

    /** The view with the listeners for which {@code why} gives a reason marked PortUnavailable. */
    private static GatewayView unavailable(
            GatewayView v, java.util.function.Function<GatewayView.ListenerView, String> why) {
        return new GatewayView(
                v.gateway(),
                v.id(),
                v.listeners().stream()
                        .map(l -> Optional.ofNullable(why.apply(l))
                                .map(l::withUnavailable)
                                .orElse(l))
                        .toList(),
                v.addressProblem());
    }

    private static GatewayView view(GatewayObject g, Index index) {
        Map<String, String> conflicts = ListenerConflicts.within(g.listeners());
        List<GatewayView.ListenerView> listeners = new ArrayList<>();
        for (GatewayObject.Listener l : g.listeners()) {
            boolean ok = supported(l);
            List<GroupKind> kinds = new ArrayList<>();
            boolean invalidKinds = false;
            if (ok && l.allowedRoutes().kinds().isEmpty()) {
                kinds.add(HTTP_ROUTE);
            }
            for (GatewayObject.GroupKind k : l.allowedRoutes().kinds()) {
                GroupKind gk = new GroupKind(k.group(), k.kind());
                if (ok && gk.equals(HTTP_ROUTE)) {
                    kinds.add(gk);
                } else {
                    invalidKinds = true;
                }
            }
            ListenerTls.Resolved tls = ListenerTls.resolve(g, l, index);
            listeners.add(new GatewayView.ListenerView(
                    l,
                    ok,
                    List.copyOf(kinds),
                    ok && invalidKinds,
                    Optional.ofNullable(conflicts.get(l.name())),
                    Optional.empty(),
                    tls.problem(),
                    tls.certificates()));
        }
        Optional<String> addressProblem = g.addresses().stream()
                .filter(a -> !a.type().equals("IPAddress") || !isIp(a.value()))
                .findFirst()
                .map(a -> a.type().equals("IPAddress")
                        ? "spec.addresses value '" + a.value() + "' is not an IP address"
                        : "spec.addresses type " + a.type() + " is not supported (only IPAddress)");
        return new GatewayView(g, Gateway.idOf(g.meta().namespace(), g.meta().name()), listeners, addressProblem);
    }

    /**
     * The snapshot form: served listeners only, each on the router port that serves it. A listener
     * remapped to a reserved router port also carries its own port as {@code publicPort}: clients
     * reach it there through the Gateway's Service, and the router needs it for what it tells them
     * (the default port of a redirect Location). Native listeners get none (the record drops a
     * public port equal to the router port). Called for accepted Gateways.
     */
    static Gateway snapshot(GatewayView v, RouterPorts.Plan ports) {
        String path = v.gateway().meta().path();
        List<Listener> served = v.listeners().stream()
                .filter(GatewayView.ListenerView::served)
                .map(l -> new Listener(
                        l.name(),
                        ports.routerPort(path, l.spec().port()),
                        l.https() ? Listener.Protocol.HTTPS : Listener.Protocol.HTTP,
                        l.spec().hostname(),
                        Optional.of(l.spec().port()),
                        l.certificates().stream()
                                .map(io.infergate.common.snapshot.Certificate::id)
                                .toList()))
                .toList();
        List<String> addresses = v.gateway().addresses().stream()
                .map(GatewayObject.Address::value)
                .toList();
        return new Gateway(v.id(), v.namespace(), v.name(), addresses, served);
    }

    /**
     * The Gateway's status.
     *
     * @param attached per listener name, the number of routes accepted on it
     */
    static StatusPlan.Entry status(
            GatewayView v, Map<String, Integer> attached, TranslatorConfig config, RouterPorts.Plan ports) {
        long gen = v.gateway().meta().generation();
        boolean accepted = v.accepted();
        boolean allValid = v.listeners().stream().allMatch(l -> l.served() && !l.invalidKinds());
        List<Condition> conditions = new ArrayList<>();
        if (v.addressProblem().isPresent()) {
            conditions.add(Condition.isFalse(
                    "Accepted", "UnsupportedAddress", v.addressProblem().get(), gen));
        } else if (!v.listenersAccepted()) {
            conditions.add(Condition.isFalse("Accepted", "ListenersNotValid", "no listener is valid", gen));
        } else if (!allValid) {
            conditions.add(Condition.isTrue("Accepted", "ListenersNotValid", "some listeners are not valid", gen));
        } else {
            conditions.add(Condition.isTrue("Accepted", "Accepted", "accepted", gen));
        }
        conditions.add(
                accepted
                        ? Condition.isFalse(Programmed.TYPE, Programmed.PENDING, Programmed.PENDING_MESSAGE, gen)
                        : Condition.isFalse(
                                Programmed.TYPE,
                                "Invalid",
                                v.listenersAccepted() ? "no listener can be served" : "the Gateway is not accepted",
                                gen));
        List<ObjectStatus.ListenerStatus> listeners = new ArrayList<>();
        for (GatewayView.ListenerView l : v.listeners()) {
            listeners.add(new ObjectStatus.ListenerStatus(
                    l.name(),
                    l.supportedKinds(),
                    attached.getOrDefault(l.name(), 0),
                    listenerConditions(l, accepted, gen)));
        }
        ObjectStatus.GatewayStatus status =
                new ObjectStatus.GatewayStatus(addresses(v, config, ports), conditions, listeners);
        return new StatusPlan.Entry(new ObjectKey(API_VERSION, "Gateway", v.namespace(), v.name()), status);
    }

    /**
     * A listener's conditions. Accepted is False when it can never get data-plane configuration:
     * {@code UnsupportedProtocol} (HTTP and HTTPS with {@code tls.mode: Terminate} are served; TLS
     * listeners and Passthrough need TLSRoute, which this release does not have), {@code Invalid} when it conflicts with another listener of its
     * Gateway (as the upstream conformance test GatewayListenerProtocolAndRouteKindConflicts
     * expects), {@code PortUnavailable} when an older Gateway serves its socket and hostname.
     */
    private static List<Condition> listenerConditions(GatewayView.ListenerView l, boolean gatewayAccepted, long gen) {
        List<Condition> c = new ArrayList<>();
        if (!l.protocolSupported()) {
            boolean passthrough =
                    l.spec().protocol().equals("HTTPS") || l.spec().protocol().equals("TLS");
            c.add(Condition.isFalse(
                    "Accepted",
                    "UnsupportedProtocol",
                    "protocol " + l.spec().protocol()
                            + (l.spec().protocol().equals("HTTPS")
                                    ? " with tls.mode " + l.spec().tlsMode()
                                    : "")
                            + " is not supported; HTTP and HTTPS (tls.mode Terminate) listeners are served"
                            + (passthrough ? " (TLS passthrough and TLSRoute are not implemented)" : ""),
                    gen));
        } else if (l.conflict().isPresent()) {
            c.add(Condition.isFalse(
                    "Accepted",
                    "Invalid",
                    "conflicts with another listener of the Gateway ("
                            + l.conflict().get() + ")",
                    gen));
        } else if (l.unavailable().isPresent()) {
            c.add(Condition.isFalse(
                    "Accepted", "PortUnavailable", l.unavailable().get(), gen));
        } else {
            c.add(Condition.isTrue("Accepted", "Accepted", "accepted", gen));
        }
        c.add(
                gatewayAccepted && l.served()
                        ? Condition.isFalse(Programmed.TYPE, Programmed.PENDING, Programmed.PENDING_MESSAGE, gen)
                        : Condition.isFalse(
                                Programmed.TYPE,
                                "Invalid",
                                l.https()
                                                && l.certificateRefs().isPresent()
                                                && l.conflict().isEmpty()
                                        ? "the listener has no valid certificate to serve"
                                        : "the listener is not served",
                                gen));
        if (l.certificateRefs().isPresent()) {
            c.add(Condition.isFalse(
                    "ResolvedRefs",
                    l.certificateRefs().get().reason(),
                    l.certificateRefs().get().message(),
                    gen));
        } else {
            c.add(
                    l.invalidKinds()
                            ? Condition.isFalse(
                                    "ResolvedRefs",
                                    "InvalidRouteKinds",
                                    "allowedRoutes.kinds names a kind other than " + Index.GATEWAY_GROUP + "/HTTPRoute",
                                    gen)
                            : Condition.isTrue("ResolvedRefs", "ResolvedRefs", "resolved", gen));
        }
        c.add(l.conflict()
                .map(reason -> Condition.isTrue(
                        "Conflicted",
                        reason,
                        reason.equals("ProtocolConflict")
                                ? "another listener on port " + l.spec().port() + " has a different protocol"
                                : "another listener has the same port, protocol and hostname",
                        gen))
                .orElse(Condition.isFalse("Conflicted", "NoConflicts", "no conflicts", gen)));
        return c;
    }

    /** The addresses of the Service of a Gateway on reserved router ports, once known. */
    private static List<String> serviceAddresses(Isolation isolation, String gateway) {
        return switch (isolation) {
            case Isolation.Shared shared -> List.of();
            case Isolation.PerGateway perGateway ->
                perGateway.serviceAddresses().getOrDefault(gateway, List.of());
        };
    }

    /**
     * The addresses the Gateway is reachable on: none while it is not accepted (nothing is bound);
     * its {@code spec.addresses}; the addresses of its own Service when it is served on reserved
     * router ports (none until the Service has one); else the routers' addresses.
     */
    private static List<ObjectStatus.Address> addresses(
            GatewayView v, TranslatorConfig config, RouterPorts.Plan ports) {
        if (!v.accepted()) {
            return List.of();
        }
        if (!v.gateway().addresses().isEmpty()) {
            return v.gateway().addresses().stream()
                    .map(a -> new ObjectStatus.Address(a.type(), a.value()))
                    .toList();
        }
        String path = v.gateway().meta().path();
        List<String> addresses = ports.remapped().contains(path)
                ? serviceAddresses(config.isolation(), path)
                : config.gatewayAddresses();
        return addresses.stream()
                .map(a -> new ObjectStatus.Address(isIp(a) ? "IPAddress" : "Hostname", a))
                .toList();
    }

    /** Counts distinct routes per listener: {@code gatewayPath -> listener -> count}. */
    static Map<String, Map<String, Integer>> count(Map<String, Map<String, Set<String>>> attachments) {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        attachments.forEach((gw, byListener) -> byListener.forEach((listener, routes) ->
                out.computeIfAbsent(gw, k -> new HashMap<>()).put(listener, routes.size())));
        return out;
    }

    /** The Service a Gateway on reserved router ports needs, when it is one. */
    static Optional<GatewayService> service(GatewayView v, RouterPorts.Plan ports) {
        String path = v.gateway().meta().path();
        if (!v.accepted() || !ports.remapped().contains(path)) {
            return Optional.empty();
        }
        List<GatewayService.Port> out = ports.ports().get(path).entrySet().stream()
                .map(e -> new GatewayService.Port(e.getKey(), e.getValue()))
                .toList();
        return Optional.of(new GatewayService(v.namespace(), v.name(), out));
    }

    /** HTTP, and HTTPS terminated by the routers; TLS listeners and Passthrough are not served. */
    private static boolean supported(GatewayObject.Listener l) {
        return l.protocol().equals("HTTP")
                || (l.protocol().equals("HTTPS") && l.tlsMode().equals("Terminate"));
    }

    static boolean isIp(String value) {
        return IPV4.matcher(value).matches() || IPV6.matcher(value).matches();
    }
}
