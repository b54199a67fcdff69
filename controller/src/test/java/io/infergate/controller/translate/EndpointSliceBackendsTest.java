package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.controller.folder.Manifests;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Service backends in cluster mode come from EndpointSlices (the Service controller's truth), in
 * local mode from the Pods the selector picks.
 */
class EndpointSliceBackendsTest {

    private static final String INPUT = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: c}
            spec: {controllerName: infergate.io/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec:
              gatewayClassName: c
              listeners: [{name: http, port: 8080, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: demo}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - backendRefs: [{name: echo, port: 80}, {name: plain, port: 9000}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: demo}
            spec:
              selector: {app: echo}
              ports: [{name: http, port: 80, targetPort: 8080}, {name: metrics, port: 9090}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: plain, namespace: demo}
            spec:
              ports: [{port: 9000, targetPort: 9001}]
            ---
            # Two slices of echo: ready and not-ready endpoints, one address in both (counted once).
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: echo-a, namespace: demo, labels: {kubernetes.io/service-name: echo}}
            addressType: IPv4
            ports: [{name: http, port: 8080}, {name: metrics, port: 9090}]
            endpoints:
            - addresses: [10.244.0.5]
              conditions: {ready: true}
              targetRef: {kind: Pod, name: echo-0}
            - addresses: [10.244.0.6]
              conditions: {ready: false}
            - addresses: [10.244.0.7]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: echo-b, namespace: demo, labels: {kubernetes.io/service-name: echo}}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints:
            - addresses: [10.244.0.5]
            ---
            # FQDN slices are not endpoints the router can dial.
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: echo-fqdn, namespace: demo, labels: {kubernetes.io/service-name: echo}}
            addressType: FQDN
            ports: [{name: http, port: 8080}]
            endpoints:
            - addresses: [echo.example.com]
            ---
            # A selector-less Service's manual slice; its port is unnamed.
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: plain-1, namespace: demo, labels: {kubernetes.io/service-name: plain}}
            addressType: IPv4
            ports: [{port: 9001}]
            endpoints:
            - addresses: [192.0.2.10]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: echo-0, namespace: demo, labels: {app: echo}}
            status:
              podIP: 10.244.0.99
              conditions: [{type: Ready, status: "True"}]
            """;

    @Test
    void clusterModeReadsReadyEndpointsOfTheSlicesAtTheSlicePortOfTheSameName() {
        List<Backend> backends = translate(TranslatorConfig.ServiceEndpoints.ENDPOINT_SLICES);
        assertEquals(
                List.of("10.244.0.7:8080", "10.244.0.5:8080"),
                endpoints(backends, "echo"),
                "ready (unset counts as ready), each once, FQDN and not-ready left out");
        assertEquals(
                "echo-0", backend(backends, "echo").endpoints().get(1).pod().orElseThrow());
        assertEquals(List.of("192.0.2.10:9001"), endpoints(backends, "plain"), "a selector-less Service works too");
    }

    @Test
    void localModeSelectsPodsAndIgnoresSlices() {
        List<Backend> backends = translate(TranslatorConfig.ServiceEndpoints.PODS);
        assertEquals(List.of("10.244.0.99:8080"), endpoints(backends, "echo"));
        assertEquals(List.of(), endpoints(backends, "plain"));
    }

    private static List<Backend> translate(TranslatorConfig.ServiceEndpoints mode) {
        Manifests.Result read = Manifests.read(INPUT);
        assertEquals(List.of(), read.problems());
        return Translator.translate(
                        read.state(), new TranslatorConfig("infergate.io/gateway-controller", List.of(), mode))
                .snapshot()
                .backends();
    }

    private static Backend.Service backend(List<Backend> backends, String name) {
        return backends.stream()
                .filter(b -> b instanceof Backend.Service s && s.name().equals(name))
                .map(Backend.Service.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> endpoints(List<Backend> backends, String name) {
        return backend(backends, name).endpoints().stream()
                .map(e -> e.address() + ":" + e.port())
                .toList();
    }
}
