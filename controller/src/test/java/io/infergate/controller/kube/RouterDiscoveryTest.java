package io.infergate.controller.kube;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which pods are routers, and which addresses Gateways report. */
class RouterDiscoveryTest {

    private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", "kthena-router");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            running with an IP and Ready        | kthena-system | kthena-router | Running | 10.1.0.7 | True  |       | router ready
            not Ready yet: pushed, acks ignored | kthena-system | kthena-router | Running | 10.1.0.7 | False |       | router not ready
            pending                             | kthena-system | kthena-router | Pending | 10.1.0.7 | False |       | none
            no IP yet                           | kthena-system | kthena-router | Running |          | False |       | none
            being deleted                       | kthena-system | kthena-router | Running | 10.1.0.7 | True  | 2026  | none
            another namespace                   | default       | kthena-router | Running | 10.1.0.7 | True  |       | none
            other labels                        | kthena-system | something     | Running | 10.1.0.7 | True  |       | none
            """)
    void routerPods(
            String reason,
            String namespace,
            String app,
            String phase,
            String ip,
            String ready,
            String deleting,
            String expected) {
        Map<String, Object> meta = new java.util.HashMap<>(
                Map.of("name", "r-0", "namespace", namespace, "labels", Map.of("app.kubernetes.io/name", app)));
        if (deleting != null) {
            meta.put("deletionTimestamp", "2026-01-01T00:00:00Z");
        }
        Map<String, Object> status = new java.util.HashMap<>(
                Map.of("phase", phase, "conditions", List.of(Map.of("type", "Ready", "status", ready))));
        if (ip != null) {
            status.put("podIP", ip);
        }
        Optional<RouterDiscovery.RouterPod> pod =
                RouterDiscovery.routerPod(Map.of("metadata", meta, "status", status), "kthena-system", SELECTOR);
        assertEquals(
                expected,
                pod.map(p -> p.ready() ? "router ready" : "router not ready").orElse("none"));
    }

    @Test
    void gatewayAddressesPreferLoadBalancerIngressOverClusterIPs() {
        Map<String, Object> spec = Map.of("clusterIP", "10.0.0.10", "clusterIPs", List.of("10.0.0.10", "fd00::a"));
        assertEquals(List.of("10.0.0.10", "fd00::a"), RouterDiscovery.gatewayAddresses(Map.of("spec", spec)));
        assertEquals(
                List.of("203.0.113.7", "lb.example.com"),
                RouterDiscovery.gatewayAddresses(Map.of(
                        "spec",
                        spec,
                        "status",
                        Map.of(
                                "loadBalancer",
                                Map.of(
                                        "ingress",
                                        List.of(Map.of("ip", "203.0.113.7"), Map.of("hostname", "lb.example.com")))))));
        assertEquals(
                List.of(), RouterDiscovery.gatewayAddresses(Map.of("spec", Map.of("clusterIP", "None"))), "headless");
    }

    @Test
    void selectorsAreEqualityPairs() {
        assertEquals(Map.of("a", "1", "b", "2"), RouterDiscovery.selector("a=1, b==2"));
        assertThrows(IllegalArgumentException.class, () -> RouterDiscovery.selector("a!=1"));
        assertThrows(IllegalArgumentException.class, () -> RouterDiscovery.selector("a in (1)"));
    }
}
