package io.infergate.controller.kube;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure step from informer lists to the translator's inputs, with no API server. */
class InformerInputsTest {

    private static final String NS = "kthena-system";
    private static final KubeSource.Settings SETTINGS = new KubeSource.Settings(
            NS,
            true,
            true,
            "kthena-router",
            Map.of("app.kubernetes.io/name", "kthena-router"),
            "infergate-snapshot-token",
            Duration.ofMillis(100),
            Duration.ofSeconds(10));

    private final AtomicInteger treesMade = new AtomicInteger();

    @Test
    void objectsRoutersAddressesGatewayServicesAndTheToken() {
        List<Listed> listed = List.of(
                gateway("default", "gw", "1"),
                gateway("default", "broken", "1", Map.of("gatewayClassName", 42)),
                pod(NS, "router-0", "10.1.0.7", "kthena-router"),
                pod(NS, "model-0", "10.1.0.8", "model"),
                pod("default", "router-elsewhere", "10.1.0.9", "kthena-router"),
                service(NS, "kthena-router", Map.of(), Map.of(), "10.0.0.10"),
                service(
                        NS,
                        "infergate-gw-1",
                        Map.of("infergate.io/gateway-service", "true"),
                        Map.of("infergate.io/gateway", "default/gw2"),
                        "10.0.0.11"));
        KubeSource.Inputs in =
                InformerInputs.inputs(listed, Optional.of(secret("  s3cret\n")), true, SETTINGS, new DecodeCache());
        assertEquals(
                List.of("default/gw"),
                in.state().gateways().stream().map(g -> g.meta().path()).toList(),
                "decoded; the one that does not decode is left out");
        assertEquals(
                List.of("router-0"),
                in.routers().stream().map(RouterDiscovery.RouterPod::name).toList(),
                "only Running router pods of the controller's namespace");
        assertEquals(List.of("10.0.0.10"), in.gatewayAddresses(), "the router Service's");
        assertEquals(Map.of("default/gw2", List.of("10.0.0.11")), in.gatewayServices());
        assertEquals(Optional.of("s3cret"), in.token(), "data.token, base64-decoded and trimmed");
        assertTrue(in.tokenKnown());
        assertTrue(in.secretExists());
    }

    @Test
    void aMissingSecretIsKnownAbsentOnlyOnceListed() {
        KubeSource.Inputs listedNone =
                InformerInputs.inputs(List.of(), Optional.empty(), true, SETTINGS, new DecodeCache());
        assertEquals(Optional.empty(), listedNone.token());
        assertTrue(listedNone.tokenKnown());
        assertFalse(listedNone.secretExists());
        assertFalse(InformerInputs.inputs(List.of(), Optional.empty(), false, SETTINGS, new DecodeCache())
                .tokenKnown());
        assertEquals(Optional.empty(), InformerInputs.token(Map.of("data", Map.of("token", "not base64!"))));
        assertEquals(Optional.empty(), InformerInputs.token(secret("   ")), "blank");
    }

    @Test
    void anObjectIsDecodedOncePerResourceVersion() {
        DecodeCache cache = new DecodeCache();
        InformerInputs.inputs(List.of(gateway("default", "gw", "1")), Optional.empty(), true, SETTINGS, cache);
        assertEquals(1, treesMade.get());
        KubeSource.Inputs again =
                InformerInputs.inputs(List.of(gateway("default", "gw", "1")), Optional.empty(), true, SETTINGS, cache);
        assertEquals(1, treesMade.get(), "same resourceVersion: the cached object, no tree made");
        assertEquals(1, again.state().gateways().size());
        InformerInputs.inputs(List.of(gateway("default", "gw", "2")), Optional.empty(), true, SETTINGS, cache);
        assertEquals(2, treesMade.get(), "a new resourceVersion is decoded again");
        InformerInputs.inputs(List.of(), Optional.empty(), true, SETTINGS, cache);
        InformerInputs.inputs(List.of(gateway("default", "gw", "2")), Optional.empty(), true, SETTINGS, cache);
        assertEquals(3, treesMade.get(), "a deleted object is forgotten, so its return is decoded afresh");
    }

    private Listed gateway(String ns, String name, String rv) {
        return gateway(
                ns,
                name,
                rv,
                Map.of(
                        "gatewayClassName",
                        "infergate",
                        "listeners",
                        List.of(Map.of("name", "http", "port", 80, "protocol", "HTTP"))));
    }

    private Listed gateway(String ns, String name, String rv, Map<String, Object> spec) {
        return listed(
                "Gateway",
                ns,
                name,
                rv,
                Map.of(
                        "apiVersion",
                        "gateway.networking.k8s.io/v1",
                        "kind",
                        "Gateway",
                        "metadata",
                        Map.of(
                                "namespace",
                                ns,
                                "name",
                                name,
                                "resourceVersion",
                                rv,
                                "creationTimestamp",
                                "2026-01-01T00:00:00Z"),
                        "spec",
                        spec));
    }

    private Listed pod(String ns, String name, String ip, String app) {
        return listed(
                "Pod",
                ns,
                name,
                "1",
                Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Pod",
                        "metadata",
                        Map.of(
                                "namespace",
                                ns,
                                "name",
                                name,
                                "labels",
                                Map.of("app.kubernetes.io/name", app),
                                "creationTimestamp",
                                "2026-01-01T00:00:00Z"),
                        "status",
                        Map.of(
                                "phase",
                                "Running",
                                "podIP",
                                ip,
                                "conditions",
                                List.of(Map.of("type", "Ready", "status", "True")))));
    }

    private Listed service(
            String ns, String name, Map<String, Object> labels, Map<String, Object> annotations, String ip) {
        return listed(
                "Service",
                ns,
                name,
                "1",
                Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Service",
                        "metadata",
                        Map.of(
                                "namespace",
                                ns,
                                "name",
                                name,
                                "labels",
                                labels,
                                "annotations",
                                annotations,
                                "creationTimestamp",
                                "2026-01-01T00:00:00Z"),
                        "spec",
                        Map.of("clusterIP", ip, "ports", List.of(Map.of("port", 80)))));
    }

    private static Map<String, Object> secret(String token) {
        return Map.of(
                "data", Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))));
    }

    private Listed listed(String kind, String ns, String name, String rv, Map<String, Object> tree) {
        return new Listed(kind, ns, name, rv, () -> {
            treesMade.incrementAndGet();
            return tree;
        });
    }
}
