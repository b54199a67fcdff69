package io.infergate.conformance.inference;

import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * The suite's view of the API: applying and deleting a test's manifests, and the waits of
 * upstream's {@code utils/kubernetes} helpers (a route's or a pool's condition per Gateway, a pool
 * without parents, a Gateway's address, the Pods with some labels, a Service made unavailable).
 */
final class ApiObjects {

    static final String GATEWAY_API = "gateway.networking.k8s.io/v1";
    static final String POOL_API = "inference.networking.k8s.io/v1";
    /** Upstream waits up to 300 s for a condition; here everything is local. */
    static final Duration WITHIN = Duration.ofSeconds(60);

    /** A namespaced name. */
    record Name(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** An expected condition; a null reason is not checked. */
    record Cond(String type, String status, String reason) {}

    /** A Pod as the tests see it: name, podIP, and its containers' ports (first seen first, each once). */
    record Pod(String name, String ip, List<Integer> ports) {}

    private final InferenceTarget target;
    private final KubeRest rest;

    ApiObjects(InferenceTarget target) {
        this.target = target;
        this.rest = target.rest();
    }

    /** Applies a test's manifests; returns their objects (to delete after the test). */
    List<Manifests.Ref> apply(String file) throws IOException, InterruptedException {
        String yaml = Manifests.substitute(Manifests.resource(file), target.substitutions());
        rest.apply(yaml);
        return Manifests.objects(yaml);
    }

    void delete(Manifests.Ref ref) throws IOException, InterruptedException {
        rest.delete(ref.apiVersion(), ref.kind(), ref.namespace(), ref.name());
    }

    /** HTTPRoute {@code route} has this condition in its status for Gateway {@code gateway}. */
    void routeMustHave(Name route, Name gateway, Cond expected) {
        waitFor("HTTPRoute " + route + " to have " + expected + " for Gateway " + gateway, () -> {
            Map<String, Object> o = get(GATEWAY_API, "HTTPRoute", route).orElse(null);
            return o == null ? "not found" : check(parentsOf(o, gateway, route.namespace()), List.of(expected));
        });
    }

    void routeMustBeAcceptedAndResolved(Name route, Name gateway) {
        routeMustHave(route, gateway, new Cond("Accepted", "True", "Accepted"));
        routeMustHave(route, gateway, new Cond("ResolvedRefs", "True", "ResolvedRefs"));
    }

    /** InferencePool {@code pool} has, for Gateway {@code gateway}, one of these conditions. */
    void poolMustHaveOneOf(Name pool, Name gateway, List<Cond> expected) {
        waitFor("InferencePool " + pool + " to have one of " + expected + " for Gateway " + gateway, () -> {
            Map<String, Object> o = get(POOL_API, "InferencePool", pool).orElse(null);
            return o == null ? "not found" : check(parentsOf(o, gateway, null), expected);
        });
    }

    void poolMustHave(Name pool, Name gateway, Cond expected) {
        poolMustHaveOneOf(pool, gateway, List.of(expected));
    }

    void poolMustBeAcceptedBy(Name pool, Name gateway) {
        poolMustHave(pool, gateway, new Cond("Accepted", "True", "Accepted"));
    }

    void poolMustHaveNoParents(Name pool) {
        waitFor("InferencePool " + pool + " to have no parents", () -> {
            Map<String, Object> o = get(POOL_API, "InferencePool", pool).orElse(null);
            if (o == null) {
                return null;
            }
            List<Object> parents = Trees.list(Trees.map(o, "status"), "parents");
            return parents.isEmpty() ? null : parents.size() + " parents: " + parents;
        });
    }

    /** The Gateway's first address and its first listener's port, once it has an address. */
    String gatewayAddress(Name gateway) {
        AtomicReference<String> out = new AtomicReference<>();
        waitFor("Gateway " + gateway + " to have an address", () -> {
            Map<String, Object> o = get(GATEWAY_API, "Gateway", gateway).orElse(null);
            List<Object> addresses = Trees.list(Trees.map(o, "status"), "addresses");
            if (o == null || addresses.isEmpty()) {
                return "no address yet";
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> listener = (Map<String, Object>)
                    Trees.list(Trees.map(o, "spec"), "listeners").getFirst();
            @SuppressWarnings("unchecked")
            String value = (String) ((Map<String, Object>) addresses.getFirst()).get("value");
            out.set(value + ":" + listener.get("port"));
            return null;
        });
        return out.get();
    }

    /** The Pods with these labels, in the API's order (by name). */
    @SuppressWarnings("unchecked")
    List<Pod> pods(String namespace, Map<String, String> labels) throws IOException, InterruptedException {
        String selector = labels.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        HttpResponse<String> r = rest.raw("/api/v1/namespaces/" + namespace + "/pods?labelSelector="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException("listing pods: " + r.statusCode() + " " + r.body());
        }
        List<Pod> out = new ArrayList<>();
        for (Object item : Trees.list((Map<String, Object>) Trees.parse(r.body()), "items")) {
            Map<String, Object> pod = (Map<String, Object>) item;
            List<Integer> ports = new ArrayList<>();
            for (Object c : Trees.list(Trees.map(pod, "spec"), "containers")) {
                for (Object p : Trees.list((Map<String, Object>) c, "ports")) {
                    int port = ((Long) ((Map<String, Object>) p).get("containerPort")).intValue();
                    if (!ports.contains(port)) {
                        ports.add(port);
                    }
                }
            }
            out.add(new Pod(
                    Trees.string(Trees.map(pod, "metadata"), "name"),
                    Trees.string(Trees.map(pod, "status"), "podIP"),
                    ports));
        }
        return out;
    }

    /**
     * Upstream's {@code MakeServiceUnavailable}: the Service's selector is changed to select
     * nothing; returns what puts the old selector back.
     */
    @SuppressWarnings("unchecked")
    Runnable makeServiceUnavailable(Name service) throws IOException, InterruptedException {
        Map<String, Object> spec = Trees.map(get("v1", "Service", service).orElseThrow(), "spec");
        Map<String, Object> selector = new TreeMap<>((Map<String, Object>) spec.get("selector"));
        List<Object> ports = Trees.list(spec, "ports");
        rest.apply(serviceSelector(service, Map.of("app", "do-not-match-for-testing"), ports));
        return () -> {
            try {
                rest.apply(serviceSelector(service, selector, ports));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** The Service with this selector and these ports, as JSON (which the YAML applier reads). */
    private static String serviceSelector(Name service, Map<String, ?> selector, List<Object> ports) {
        return new com.google.gson.Gson()
                .toJson(Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Service",
                        "metadata",
                        Map.of("name", service.name(), "namespace", service.namespace()),
                        "spec",
                        Map.of("selector", selector, "ports", ports)));
    }

    java.util.Optional<Map<String, Object>> get(String apiVersion, String kind, Name name)
            throws IOException, InterruptedException {
        return rest.get(apiVersion, kind, name.namespace(), name.name());
    }

    /** The status.parents entries whose parentRef is this Gateway (a missing namespace is {@code defaultNs}). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parentsOf(Map<String, Object> o, Name gateway, String defaultNs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object p : Trees.list(Trees.map(o, "status"), "parents")) {
            Map<String, Object> parent = (Map<String, Object>) p;
            Map<String, Object> ref = Trees.map(parent, "parentRef");
            String ns = ref == null ? null : Trees.string(ref, "namespace");
            if (ns == null) {
                ns = defaultNs;
            }
            if (ref != null
                    && gateway.name().equals(ref.get("name"))
                    && gateway.namespace().equals(ns)) {
                out.add(parent);
            }
        }
        return out;
    }

    /** Null when some parent has one of the expected conditions, else what was seen. */
    @SuppressWarnings("unchecked")
    private static String check(List<Map<String, Object>> parents, List<Cond> expected) {
        if (parents.isEmpty()) {
            return "no status.parents entry for the Gateway";
        }
        for (Map<String, Object> parent : parents) {
            for (Object c : Trees.list(parent, "conditions")) {
                Map<String, Object> cond = (Map<String, Object>) c;
                for (Cond e : expected) {
                    if (e.type().equals(cond.get("type"))
                            && e.status().equals(cond.get("status"))
                            && (e.reason() == null || e.reason().equals(cond.get("reason")))) {
                        return null;
                    }
                }
            }
        }
        return "parents: " + parents;
    }

    private interface Probe {
        /** Null when satisfied, else what was seen. */
        String probe() throws Exception;
    }

    private static void waitFor(String what, Probe probe) {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        try {
            await(what)
                    .atMost(WITHIN)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        String s = probe.probe();
                        if (s != null) {
                            seen.set(s);
                        }
                        return s == null;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "timed out after " + WITHIN.toSeconds() + " s waiting for " + what + "; last seen: " + seen.get());
        }
    }
}
