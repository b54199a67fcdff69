package io.infergate.controller.decode;

import io.infergate.controller.folder.Manifests;
import io.infergate.controller.model.HttpRouteObject;
import io.infergate.controller.model.Pod;
import io.infergate.controller.model.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding applies the API server's and the CRDs' defaults, and refuses what they would refuse. */
class ObjectDecoderTest {

    @Test
    void defaultsNamespaceGenerationAndCreationTimestampByDocumentOrder() {
        Manifests.Result r = Manifests.read("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: team}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: dated
                  namespace: team
                  generation: 4
                  creationTimestamp: 2025-03-04T05:06:07Z
                spec:
                  rules:
                  - matches: [{headers: [{name: x, value: "1"}]}]
                    backendRefs: [{name: svc, port: 80}]
                """);
        assertEquals(List.of(), r.problems());
        HttpRouteObject plain = r.state().httpRoutes().stream()
                .filter(x -> x.meta().name().equals("r"))
                .findFirst()
                .orElseThrow();
        assertEquals("default", plain.meta().namespace());
        assertEquals(1, plain.meta().generation());
        assertEquals("1970-01-01T00:00:01Z", plain.meta().creationTimestamp(), "the second object of the text");
        assertEquals(
                new HttpRouteObject.ParentRef(
                        "gateway.networking.k8s.io",
                        "Gateway",
                        Optional.empty(),
                        "gw",
                        Optional.empty(),
                        Optional.empty()),
                plain.parentRefs().getFirst());
        assertEquals(
                "PathPrefix",
                plain.rules().getFirst().matches().getFirst().path().type(),
                "no rules: the CRD's default rule");

        HttpRouteObject dated = r.state().httpRoutes().stream()
                .filter(x -> x.meta().name().equals("dated"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "2025-03-04T05:06:07Z",
                dated.meta().creationTimestamp(),
                "an unquoted YAML timestamp reads back as RFC 3339");
        assertEquals(4, dated.meta().generation());
        HttpRouteObject.Match match = dated.rules().getFirst().matches().getFirst();
        assertEquals(new HttpRouteObject.PathMatch("PathPrefix", "/"), match.path());
        assertEquals("Exact", match.headers().getFirst().type());
        HttpRouteObject.BackendRef ref = dated.rules().getFirst().backendRefs().getFirst();
        assertEquals(new HttpRouteObject.ObjectRef("", "Service", Optional.empty(), "svc", Optional.of(80)), ref.ref());
        assertEquals(1, ref.weight());
        assertEquals("", r.state().namespaces().getFirst().meta().namespace(), "Namespaces are cluster-scoped");
    }

    @Test
    void readsPodReadinessAndServiceTargetPorts() {
        Manifests.Result r = Manifests.read("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, labels: {ready: "true"}}
                status:
                  podIP: 10.0.0.1
                  conditions: [{type: PodScheduled, status: "True"}, {type: Ready, status: "False"}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  clusterIP: None
                  ports:
                  - {port: 80}
                  - {port: 81, targetPort: "8081"}
                  - {port: 82, targetPort: web}
                """);
        Pod pod = r.state().pods().getFirst();
        assertFalse(pod.ready());
        assertEquals("true", pod.meta().labels().get("ready"));
        Service s = r.state().services().getFirst();
        assertEquals(Optional.empty(), s.clusterIP());
        assertEquals(Optional.of(80), s.ports().get(0).targetPortNumber());
        assertEquals(Optional.of(8081), s.ports().get(1).targetPortNumber());
        assertEquals(Optional.of("web"), s.ports().get(2).targetPortName());
    }

    @Test
    void aMalformedObjectIsReportedWithItsKeyAndFieldAndLeftOut() {
        Manifests.Result r = Manifests.read("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: c
                  listeners:
                  - {name: http, port: 80, protocol: HTTP}
                  - {name: http, port: 81, protocol: HTTP}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: ml}
                spec:
                  targetPorts: [{number: 70000}]
                  selector: {matchLabels: {app: x}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                """);
        assertTrue(r.state().all().isEmpty());
        assertEquals(
                List.of(
                        "Gateway default/gw: spec.listeners[1].name: duplicate listener name 'http'",
                        "InferencePool ml/pool: spec.targetPorts[0].number: port must be in 1..65535, is 70000",
                        "unknown kind apps/v1 Deployment"),
                r.problems());
    }

    @Test
    void modelRewritesDefaultTheMatchTypeAndRefuseWhatTheRouterCouldNotApply() {
        Manifests.Result r = Manifests.read("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: ok}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - matches: [{model: {value: a}}, {model: {type: Exact, value: b}}]
                    targets: [{modelRewrite: a-v1}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: some-weights}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - targets: [{modelRewrite: a-v1, weight: 5}, {modelRewrite: a-v2}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: regex}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - matches: [{model: {type: RegularExpression, value: "a.*"}}]
                    targets: [{modelRewrite: a-v1}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: no-targets}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - matches: [{model: {value: a}}]
                """);
        var rewrites = r.state().inferenceModelRewrites();
        assertEquals(1, rewrites.size());
        assertEquals(List.of("a", "b"), rewrites.get(0).rules().get(0).models());
        assertEquals(
                Optional.empty(),
                rewrites.get(0).rules().get(0).targets().get(0).weight());
        assertEquals(
                List.of(
                        "InferenceModelRewrite default/some-weights: spec.rules[0].targets: set a weight on every target or on none",
                        "InferenceModelRewrite default/regex: spec.rules[0].matches[0].model.type: unsupported match type"
                                + " 'RegularExpression' (only Exact)",
                        "InferenceModelRewrite default/no-targets: spec.rules[0].targets: at least one target is required"),
                r.problems());
    }
}
