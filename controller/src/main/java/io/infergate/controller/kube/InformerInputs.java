package io.infergate.controller.kube;

import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.KubeObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step from what the informers hold to the translator's inputs, with no API server and no
 * clock: every object decoded into the cluster state; and, in the controller's own namespace, the
 * router Pods to push to, the router Service's addresses (what Gateways report), the addresses of
 * the per-Gateway Services, and the snapshot token from its Secret.
 */
final class InformerInputs {

    private InformerInputs() {}

    /**
     * @param listed       every object of every watched kind
     * @param tokenSecret  the token Secret as listed, if it exists
     * @param secretListed whether the Secret's informer has listed, so that its absence is real
     */
    static KubeSource.Inputs inputs(
            List<Listed> listed,
            Optional<Map<String, Object>> tokenSecret,
            boolean secretListed,
            KubeSource.Settings settings,
            DecodeCache decoder) {
        List<KubeObject> objects = new ArrayList<>();
        List<RouterDiscovery.RouterPod> routers = new ArrayList<>();
        List<String> addresses = List.of();
        Map<String, List<String>> gatewayServices = new HashMap<>();
        for (Listed o : listed) {
            decoder.decode(o).ifPresent(objects::add);
            if (!o.namespace().equals(settings.namespace())) {
                continue;
            }
            if (o.kind().equals("Pod")) {
                RouterDiscovery.routerPod(o.tree().get(), settings.namespace(), settings.routerSelector())
                        .ifPresent(routers::add);
            } else if (o.kind().equals("Service") && o.name().equals(settings.routerService())) {
                addresses = RouterDiscovery.gatewayAddresses(o.tree().get());
            } else if (o.kind().equals("Service")) {
                Map<String, Object> tree = o.tree().get();
                GatewayServices.gatewayOf(tree).ifPresent(gw -> {
                    List<String> a = RouterDiscovery.gatewayAddresses(tree);
                    if (!a.isEmpty()) {
                        gatewayServices.put(gw, a);
                    }
                });
            }
        }
        decoder.forgetUnseen();
        return new KubeSource.Inputs(
                ClusterState.of(dedupe(objects)),
                addresses,
                routers,
                tokenSecret.flatMap(InformerInputs::token),
                secretListed,
                tokenSecret.isPresent(),
                gatewayServices);
    }

    /** One object per kind, namespace and name (the API guarantees it; a kind watched at two versions would not). */
    private static List<KubeObject> dedupe(List<KubeObject> objects) {
        Map<String, KubeObject> out = new LinkedHashMap<>();
        objects.forEach(o -> out.putIfAbsent(o.key(), o));
        return List.copyOf(out.values());
    }

    /** The Secret's {@code data.token}, base64-decoded and trimmed; empty when absent or blank. */
    static Optional<String> token(Map<String, Object> secret) {
        Map<String, Object> data = Trees.map(secret, "data");
        if (data == null || !(data.get("token") instanceof String encoded)) {
            return Optional.empty();
        }
        try {
            String value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
