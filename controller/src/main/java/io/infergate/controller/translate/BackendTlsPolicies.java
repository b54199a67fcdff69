package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.BackendTlsChecks;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Rule;
import io.infergate.controller.model.BackendTlsPolicyObject;
import io.infergate.controller.model.ConfigMap;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.Service;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ParentRef;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * BackendTLSPolicies → the snapshot's {@link BackendTls} entries and each policy's status
 * (docs/adr/0027-backend-tls.md). Pure.
 *
 * <p>Rules: a target is a Service of the policy's namespace (with {@code sectionName}: the port of
 * that name; without: every port) or an InferencePool ({@code inference.networking.k8s.io}); each
 * becomes one backend id. Per backend, a policy naming the port beats one naming the whole
 * Service (they do not conflict); between policies of the same kind the older (creation time,
 * then namespace/name) wins and the other gets {@code Accepted=False Conflicted}. A CA reference
 * must be a core ConfigMap ({@code InvalidKind} otherwise) that exists and holds a parsable
 * {@code ca.crt} ({@code InvalidCACertificateRef} otherwise): any bad one makes
 * {@code ResolvedRefs=False} with the first problem's reason; none good makes
 * {@code Accepted=False NoValidCACertificate}. {@code wellKnownCACertificates: System} trusts the
 * JDK's roots; another value, both or neither source, a hostname that is not a DNS name or a bad
 * subject alternative name is {@code Accepted=False Invalid}. A policy that is not usable still
 * ships, trusting nothing, so its backend answers 502 instead of being spoken to in plain text
 * (fail closed, as the spec's "connections MUST fail" asks). Status ancestors are the Gateways
 * whose served routes send to a targeted backend; a policy that reaches none has no ancestors.
 */
final class BackendTlsPolicies {
    static final String API_VERSION = "gateway.networking.k8s.io/v1";
    private static final String POOL_GROUP = "inference.networking.k8s.io";
    private static final int MAX_ANCESTORS = 16;

    private BackendTlsPolicies() {}

    /** The translated entries (by backend id) and the policies' statuses. */
    record Outcome(List<BackendTls> entries, List<StatusPlan.Entry> statuses) {}

    /** One backend a policy targets; {@code section}: named by port, which beats a whole-Service target. */
    private record Target(String backend, boolean section) {}

    /** What the policy's validation fields resolve to. */
    private record Resolved(
            List<String> cas, boolean system, Condition accepted, Condition resolvedRefs, boolean usable) {}

    static Outcome translate(
            List<BackendTlsPolicyObject> policies,
            List<ConfigMap> configMaps,
            List<Service> services,
            List<InferencePool> pools,
            List<Backend> served,
            List<HttpRoute> routes,
            String controllerName) {
        Map<String, Service> servicesByPath = new HashMap<>();
        services.forEach(s -> servicesByPath.put(s.meta().path(), s));
        Set<String> poolPaths = new TreeSet<>();
        pools.forEach(p -> poolPaths.add(p.meta().path()));
        Map<String, ConfigMap> configMapsByPath = new HashMap<>();
        configMaps.forEach(c -> configMapsByPath.put(c.meta().path(), c));
        Set<String> servedIds = new TreeSet<>();
        served.forEach(b -> servedIds.add(b.id()));
        Map<String, Set<String>> gatewaysOf = gatewaysByBackend(routes);

        List<BackendTlsPolicyObject> ordered = new ArrayList<>(policies);
        ordered.sort(Comparator.comparing((BackendTlsPolicyObject p) -> p.meta().creationTimestamp())
                .thenComparing(p -> p.meta().path()));
        Map<String, List<Target>> targetsOf = new HashMap<>();
        ordered.forEach(p -> targetsOf.put(p.meta().path(), targets(p, servicesByPath, poolPaths)));
        // port-named targets claim first; whole-Service ones take what is left without conflicting
        Map<String, String> owner = new HashMap<>();
        Set<String> claimedByPort = new TreeSet<>();
        Map<String, String> conflicts = new HashMap<>(); // policy path + backend → the winner's id
        for (boolean section : new boolean[] {true, false}) {
            for (BackendTlsPolicyObject p : ordered) {
                String id = BackendTls.idOf(p.meta().namespace(), p.meta().name());
                for (Target t : targetsOf.get(p.meta().path())) {
                    if (t.section() != section) {
                        continue;
                    }
                    String current = owner.putIfAbsent(t.backend(), id);
                    if (current == null) {
                        if (section) {
                            claimedByPort.add(t.backend());
                        }
                    } else if (!current.equals(id) && (section || !claimedByPort.contains(t.backend()))) {
                        conflicts.put(p.meta().path() + " " + t.backend(), current);
                    }
                }
            }
        }

        List<BackendTls> entries = new ArrayList<>();
        List<StatusPlan.Entry> statuses = new ArrayList<>();
        for (BackendTlsPolicyObject p : ordered) {
            String ns = p.meta().namespace();
            long gen = p.meta().generation();
            String id = BackendTls.idOf(ns, p.meta().name());
            Resolved r = resolve(p, configMapsByPath, gen);
            Map<String, Condition> accepted = new LinkedHashMap<>(); // gateway id → Accepted
            for (Target t : targetsOf.get(p.meta().path())) {
                String winner = conflicts.get(p.meta().path() + " " + t.backend());
                Condition c = winner == null
                        ? r.accepted()
                        : Condition.isFalse(
                                "Accepted",
                                "Conflicted",
                                t.backend() + " is already covered by the older " + winner,
                                gen);
                if (winner == null && id.equals(owner.get(t.backend())) && servedIds.contains(t.backend())) {
                    entries.add(new BackendTls(
                            t.backend(),
                            id,
                            p.hostname(),
                            r.usable() ? subjectAltNames(p) : List.of(),
                            r.usable() ? r.cas() : List.of(),
                            r.usable() && r.system()));
                }
                for (String gw : gatewaysOf.getOrDefault(t.backend(), Set.of())) {
                    // a False verdict for one target wins over True for another under the same Gateway
                    accepted.merge(
                            gw,
                            c,
                            (a, b) -> a.status() == b.status()
                                            || b.status().name().equals("TRUE")
                                    ? a
                                    : b);
                }
            }
            List<ObjectStatus.ParentStatus> ancestors = new ArrayList<>();
            accepted.forEach((gw, c) -> {
                if (ancestors.size() < MAX_ANCESTORS) {
                    String[] parts = gw.split("/", 3); // gateway/<ns>/<name>
                    ancestors.add(new ObjectStatus.ParentStatus(
                            ParentRef.gateway(parts[1], parts[2]), controllerName, List.of(c, r.resolvedRefs())));
                }
            });
            statuses.add(new StatusPlan.Entry(
                    new ObjectKey(API_VERSION, "BackendTLSPolicy", ns, p.meta().name()),
                    new ObjectStatus.PolicyStatus(ancestors)));
        }
        entries.sort(Comparator.comparing(BackendTls::backend));
        return new Outcome(entries, statuses);
    }

    /** The backend ids a policy's targetRefs name; references that resolve to nothing name none. */
    private static List<Target> targets(BackendTlsPolicyObject p, Map<String, Service> services, Set<String> pools) {
        String ns = p.meta().namespace();
        List<Target> out = new ArrayList<>();
        for (BackendTlsPolicyObject.TargetRef t : p.targetRefs()) {
            if (t.group().isEmpty() && t.kind().equals("Service")) {
                Service s = services.get(ns + "/" + t.name());
                if (s == null) {
                    continue;
                }
                for (Service.Port port : s.ports()) {
                    if (t.sectionName().isEmpty() || port.name().equals(t.sectionName())) {
                        out.add(new Target(
                                Backend.Service.idOf(ns, t.name(), port.port()),
                                t.sectionName().isPresent()));
                    }
                }
            } else if (t.group().equals(POOL_GROUP) && t.kind().equals("InferencePool")) {
                if (pools.contains(ns + "/" + t.name())) {
                    out.add(new Target(Backend.InferencePool.idOf(ns, t.name()), false));
                }
            }
        }
        return out;
    }

    private static Resolved resolve(BackendTlsPolicyObject p, Map<String, ConfigMap> configMaps, long gen) {
        String ns = p.meta().namespace();
        List<String> cas = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String reason = null;
        for (int i = 0; i < p.caCertificates().size(); i++) {
            BackendTlsPolicyObject.CaRef ref = p.caCertificates().get(i);
            String at = "caCertificateRefs[" + i + "]";
            if (!ref.group().isEmpty() || !ref.kind().equals("ConfigMap")) {
                reason = reason == null ? "InvalidKind" : reason;
                problems.add(at + ": kind " + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind()
                        + " is not supported (a core ConfigMap with " + ConfigMap.CA_CERTIFICATE + " is)");
                continue;
            }
            ConfigMap cm = configMaps.get(ns + "/" + ref.name());
            Optional<String> problem =
                    cm == null ? Optional.of("ConfigMap " + ns + "/" + ref.name() + " does not exist") : caProblem(cm);
            if (problem.isPresent()) {
                reason = reason == null ? "InvalidCACertificateRef" : reason;
                problems.add(at + ": " + problem.get());
            } else {
                cas.add(cm.caCertificate().orElseThrow());
            }
        }
        Condition resolved = problems.isEmpty()
                ? Condition.isTrue("ResolvedRefs", "ResolvedRefs", "all CA certificate references resolved", gen)
                : Condition.isFalse("ResolvedRefs", reason, String.join("; ", problems), gen);
        Optional<String> invalid = invalid(p);
        if (invalid.isPresent()) {
            return new Resolved(
                    List.of(), false, Condition.isFalse("Accepted", "Invalid", invalid.get(), gen), resolved, false);
        }
        if (!p.caCertificates().isEmpty() && cas.isEmpty()) {
            return new Resolved(
                    List.of(),
                    false,
                    Condition.isFalse(
                            "Accepted",
                            "NoValidCACertificate",
                            "no CA certificate reference is valid: requests to the targets fail with 502",
                            gen),
                    resolved,
                    false);
        }
        return new Resolved(
                cas,
                p.wellKnown().isPresent(),
                Condition.isTrue("Accepted", "Accepted", "the policy applies to its targets", gen),
                resolved,
                true);
    }

    private static Optional<String> caProblem(ConfigMap cm) {
        if (cm.caCertificate().isEmpty() || cm.caCertificate().get().isBlank()) {
            return Optional.of("ConfigMap " + cm.meta().path() + " has no " + ConfigMap.CA_CERTIFICATE);
        }
        try {
            io.infergate.common.tls.KeyMaterial.certificates(cm.caCertificate().get());
            return Optional.empty();
        } catch (io.infergate.common.tls.KeyMaterial.Invalid e) {
            return Optional.of(ConfigMap.CA_CERTIFICATE + " of ConfigMap "
                    + cm.meta().path() + " does not parse: " + e.getMessage());
        }
    }

    /** What makes the spec unusable (the CRD's validation refuses most of it in a cluster). */
    private static Optional<String> invalid(BackendTlsPolicyObject p) {
        if (!BackendTlsChecks.isSniName(p.hostname())) {
            return Optional.of("spec.validation.hostname '" + p.hostname() + "' is not a DNS name");
        }
        if (p.wellKnown().isPresent() && !p.caCertificates().isEmpty()) {
            return Optional.of("caCertificateRefs and wellKnownCACertificates exclude each other");
        }
        if (p.wellKnown().isEmpty() && p.caCertificates().isEmpty()) {
            return Optional.of("one of caCertificateRefs and wellKnownCACertificates is required");
        }
        if (p.wellKnown().isPresent() && !p.wellKnown().get().equals("System")) {
            return Optional.of("wellKnownCACertificates '" + p.wellKnown().get() + "' is not supported (System is)");
        }
        for (BackendTlsPolicyObject.SubjectAltName n : p.subjectAltNames()) {
            boolean ok = switch (n.type()) {
                case "Hostname" -> !n.value().isEmpty();
                case "URI" -> n.value().contains(":");
                default -> false;
            };
            if (!ok) {
                return Optional.of(
                        "subjectAltNames: type '" + n.type() + "' with value '" + n.value() + "' is not usable");
            }
        }
        return Optional.empty();
    }

    private static List<BackendTls.SubjectAltName> subjectAltNames(BackendTlsPolicyObject p) {
        return p.subjectAltNames().stream()
                .map(n -> new BackendTls.SubjectAltName(
                        n.type().equals("URI") ? BackendTls.Type.URI : BackendTls.Type.HOSTNAME, n.value()))
                .toList();
    }

    /** Backend id → the Gateways whose served routes send to it (backendRefs and mirrors). */
    private static Map<String, Set<String>> gatewaysByBackend(List<HttpRoute> routes) {
        Map<String, Set<String>> out = new HashMap<>();
        for (HttpRoute route : routes) {
            Set<String> ids = new TreeSet<>();
            for (Rule rule : route.rules()) {
                mirrors(rule.filters(), ids);
                for (BackendRef ref : rule.backends()) {
                    ref.backend().ifPresent(ids::add);
                    mirrors(ref.filters(), ids);
                }
            }
            for (String id : ids) {
                for (ListenerRef l : route.parents()) {
                    out.computeIfAbsent(id, k -> new TreeSet<>()).add(l.gateway());
                }
            }
        }
        return out;
    }

    private static void mirrors(List<Filter> filters, Set<String> ids) {
        for (Filter f : filters) {
            if (f instanceof Filter.RequestMirror m) {
                m.backend().ifPresent(ids::add);
            }
        }
    }
}
