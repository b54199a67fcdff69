package io.infergate.controller.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the controller learns about its routers from the API, as pure functions over object trees.
 *
 * <p>Rules: a router is a Pod in the controller's namespace whose labels carry every pair of the
 * selector, in phase Running, with a podIP and no deletionTimestamp; it is ready when its Ready
 * condition is True (only ready routers make Gateways Programmed). The Gateway addresses are the
 * router Service's LoadBalancer ingress IPs and hostnames, else its cluster IPs.
 */
public final class RouterDiscovery {

    private RouterDiscovery() {}

    /** A router pod that can be pushed to. */
    public record RouterPod(String name, String podIP, boolean ready) {}

    /** The router this Pod tree is, if it is one. */
    public static Optional<RouterPod> routerPod(
            Map<String, Object> pod, String namespace, Map<String, String> selector) {
        Map<String, Object> meta = Trees.map(pod, "metadata");
        Map<String, Object> status = Trees.map(pod, "status");
        if (meta == null
                || status == null
                || !namespace.equals(Trees.string(meta, "namespace"))
                || meta.get("deletionTimestamp") != null
                || !"Running".equals(Trees.string(status, "phase"))) {
            return Optional.empty();
        }
        Map<String, Object> labels = Trees.map(meta, "labels");
        for (var e : selector.entrySet()) {
            if (labels == null || !e.getValue().equals(labels.get(e.getKey()))) {
                return Optional.empty();
            }
        }
        String ip = Trees.string(status, "podIP");
        if (ip == null || ip.isEmpty()) {
            return Optional.empty();
        }
        boolean ready = Trees.list(status, "conditions").stream()
                .anyMatch(c ->
                        c instanceof Map<?, ?> m && "Ready".equals(m.get("type")) && "True".equals(m.get("status")));
        return Optional.of(new RouterPod(Trees.string(meta, "name"), ip, ready));
    }

    /** The addresses Gateways report, from the router Service tree. */
    public static List<String> gatewayAddresses(Map<String, Object> service) {
        List<String> out = new ArrayList<>();
        Map<String, Object> lb = Trees.map(Trees.map(service, "status"), "loadBalancer");
        for (Object i : Trees.list(lb, "ingress")) {
            if (i instanceof Map<?, ?> m) {
                Object ip = m.get("ip");
                Object host = m.get("hostname");
                if (ip instanceof String s && !s.isEmpty()) {
                    out.add(s);
                } else if (host instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        if (!out.isEmpty()) {
            return out.stream().distinct().toList();
        }
        Map<String, Object> spec = Trees.map(service, "spec");
        for (Object ip : Trees.list(spec, "clusterIPs")) {
            if (ip instanceof String s && !s.isEmpty() && !s.equals("None")) {
                out.add(s);
            }
        }
        String clusterIP = Trees.string(spec, "clusterIP");
        if (out.isEmpty() && clusterIP != null && !clusterIP.isEmpty() && !clusterIP.equals("None")) {
            out.add(clusterIP);
        }
        return out.stream().distinct().toList();
    }

    /**
     * Parses a label selector of equality pairs, {@code k=v,k2=v2} ({@code ==} also accepted).
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Map<String, String> selector(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + p + "' is not key=value");
            }
            String key = p.substring(0, eq).strip();
            String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
            if (key.isEmpty() || key.endsWith("!") || value.contains("=")) {
                throw new IllegalArgumentException("'" + p + "' is not key=value (only equality is supported)");
            }
            out.put(key, value);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the selector is empty");
        }
        return Map.copyOf(out);
    }
}
