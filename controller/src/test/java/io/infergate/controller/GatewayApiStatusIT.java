package io.infergate.controller;

import io.infergate.common.tls.Issuer;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.infergate.controller.ItSupport.GW;
import static io.infergate.controller.ItSupport.OURS;
import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.kube.StatusTrees.condition;
import static io.infergate.controller.kube.StatusTrees.conditionIn;
import static io.infergate.controller.kube.StatusTrees.parents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gateway API status written to a real API server: route attachment by sectionName and
 * allowedRoutes (NotAllowedByListeners, NoMatchingParent), listener status (an HTTPS listener
 * whose Secret is missing, then created and deleted; attachedRoutes counts), a ReferenceGrant added and removed flipping a
 * route's ResolvedRefs within seconds (RefNotPermitted), and invalid backendRefs (BackendNotFound,
 * InvalidKind), and a second Gateway on a taken port getting a Service and address of its own. The
 * upstream conformance tests each part follows are named at the test methods. No router runs:
 * status does not depend on one (Programmed stays Pending).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayApiStatusIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION);

    /** Eventual status: the controller rebuilds on every informer event (debounced). */
    static final Duration WITHIN = Duration.ofSeconds(15);

    static final String INFRA = "infra";
    static final String APPS = "apps";
    static final String BACKENDS = "backends";

    static KubeRest rest;
    static ClusterControllerApp controller;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        rest.apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: kthena-system}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: infra}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: apps}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: backends}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: kthena-router, namespace: kthena-system}
                spec:
                  selector: {app.kubernetes.io/name: kthena-router}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: infergate}
                spec: {controllerName: infergate.io/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  gatewayClassName: infergate
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                    allowedRoutes: {namespaces: {from: All}}
                  - name: same-only
                    port: 8080
                    protocol: HTTP
                  - name: https
                    port: 443
                    protocol: HTTPS
                    tls: {certificateRefs: [{name: cert}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: echo, namespace: apps}
                spec:
                  selector: {app: echo}
                  ports: [{port: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: echo, namespace: backends}
                spec:
                  selector: {app: echo}
                  ports: [{port: 8080}]
                """);
        rest.apply(
                route(APPS, "to-section", "name: gw, namespace: infra, sectionName: http", "name: echo, port: 8080"));
        rest.apply(route(
                APPS, "to-same-only", "name: gw, namespace: infra, sectionName: same-only", "name: echo, port: 8080"));
        rest.apply(route(
                INFRA,
                "infra-to-same-only",
                "name: gw, namespace: infra, sectionName: same-only",
                "name: echo, namespace: apps, port: 8080"));
        rest.apply(route(
                APPS, "to-missing-section", "name: gw, namespace: infra, sectionName: nope", "name: echo, port: 8080"));
        rest.apply(route(APPS, "to-https", "name: gw, namespace: infra, sectionName: https", "name: echo, port: 8080"));
        rest.apply(route(
                APPS,
                "cross-namespace",
                "name: gw, namespace: infra, sectionName: http",
                "name: echo, namespace: backends, port: 8080"));
        rest.apply(route(
                APPS,
                "missing-service",
                "name: gw, namespace: infra, sectionName: http",
                "name: no-such-service, port: 8080"));
        rest.apply(route(
                APPS,
                "unknown-kind",
                "name: gw, namespace: infra, sectionName: http",
                "group: example.com, kind: Bogus, name: echo"));
        int internalPort = portFreeOn(List.of("127.0.11.1"));
        controller = ClusterControllerApp.start(
                ClusterConfig.defaults(SYSTEM, "status-it-controller")
                        .withKubeconfig(API.kubeconfig())
                        .withRouterInternalPort(internalPort)
                        .withAdmin("127.0.11.1", 0)
                        .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    /**
     * GatewayWithAttachedRoutes, and an HTTPS listener whose certificate Secret is missing
     * (GatewayInvalidTLSConfiguration's nonexistent-secret case), then read through the TLS Secret
     * informer once it exists.
     */
    @Test
    @Order(1)
    void listenerStatusCountsAttachedRoutesAndReportsAMissingCertificate() throws Exception {
        // http: to-section, cross-namespace, missing-service, unknown-kind (unresolved refs still attach);
        // same-only: infra-to-same-only; https: nothing (no certificate: not served).
        await("attachedRoutes").atMost(WITHIN).until(() -> attached("http") == 4 && attached("same-only") == 1);
        assertEquals(0L, attached("https"));
        Map<String, Object> gw = gateway();
        assertEquals(List.of("True", "ListenersNotValid"), reasonOf(condition(gw, "Accepted")));
        String clusterIP = Trees.string(
                Trees.map(rest.get("v1", "Service", SYSTEM, "kthena-router").orElseThrow(), "spec"), "clusterIP");
        assertEquals(
                List.of(Map.of("type", "IPAddress", "value", clusterIP)),
                Trees.list(Trees.map(gw, "status"), "addresses"));
        Map<String, Object> https = listener("https");
        assertEquals(List.of("True", "Accepted"), reasonOf(conditionIn(https, "Accepted")));
        assertEquals(List.of("False", "Invalid"), reasonOf(conditionIn(https, "Programmed")));
        assertEquals(List.of("False", "InvalidCertificateRef"), reasonOf(conditionIn(https, "ResolvedRefs")));
        assertEquals(1, Trees.list(https, "supportedKinds").size());
        assertEquals(List.of("True", "Accepted"), reasonOf(conditionIn(listener("http"), "Accepted")));

        // the Secret appears (type kubernetes.io/tls, which the controller's informer selects): resolved
        Issuer.Issued ca = Issuer.ca("it CA", Issuer.KeyType.EC_P256, java.time.Duration.ofDays(1));
        Issuer.Issued leaf =
                Issuer.leaf(ca, List.of("gw.example.com"), Issuer.KeyType.EC_P256, java.time.Duration.ofDays(1));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        rest.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: " + INFRA + "}\n"
                + "type: kubernetes.io/tls\ndata:\n  tls.crt: "
                + b64.encodeToString(leaf.certificatePem().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "\n  tls.key: "
                + b64.encodeToString(leaf.privateKeyPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
        await("the certificate resolves")
                .atMost(WITHIN)
                .until(() -> reasonOf(conditionIn(listener("https"), "ResolvedRefs"))
                        .equals(List.of("True", "ResolvedRefs")));
        rest.delete("v1", "Secret", INFRA, "cert");
        await("the certificate is gone again")
                .atMost(WITHIN)
                .until(() -> reasonOf(conditionIn(listener("https"), "ResolvedRefs"))
                        .equals(List.of("False", "InvalidCertificateRef")));
    }

    /**
     * HTTPRouteInvalidCrossNamespaceParentRef (NotAllowedByListeners for a listener of {@code from:
     * Same}), HTTPRouteListenerHostnameMatching's sectionName attachment, a sectionName no listener
     * has (NoMatchingParent), and a route to the HTTPS listener, which is not accepted.
     */
    @Test
    @Order(2)
    void routeAttachmentFollowsSectionNameAndAllowedRoutes() throws Exception {
        await("route statuses")
                .atMost(WITHIN)
                .until(() -> accepted(APPS, "to-section").size() == 2
                        && accepted(APPS, "to-same-only").size() == 2
                        && accepted(APPS, "to-missing-section").size() == 2
                        && accepted(INFRA, "infra-to-same-only").size() == 2
                        && accepted(APPS, "to-https").size() == 2);
        assertEquals(List.of("True", "Accepted"), accepted(APPS, "to-section"));
        assertEquals(List.of("True", "Accepted"), accepted(INFRA, "infra-to-same-only"));
        assertEquals(List.of("False", "NotAllowedByListeners"), accepted(APPS, "to-same-only"));
        assertEquals(List.of("False", "NoMatchingParent"), accepted(APPS, "to-missing-section"));
        assertEquals(List.of("False", "NotAllowedByListeners"), accepted(APPS, "to-https"));
        assertEquals(
                "http",
                Trees.string(
                        Trees.map(parents(route(APPS, "to-section"), OURS).getFirst(), "parentRef"), "sectionName"),
                "the parentRef is echoed with its sectionName");
    }

    /** HTTPRouteInvalidNonExistentBackendRef and HTTPRouteInvalidBackendRefUnknownKind. */
    @Test
    @Order(3)
    void invalidBackendsAreAcceptedWithResolvedRefsFalse() throws Exception {
        await("backend statuses")
                .atMost(WITHIN)
                .until(() -> resolved(APPS, "missing-service").size() == 2
                        && resolved(APPS, "unknown-kind").size() == 2);
        assertEquals(List.of("False", "BackendNotFound"), resolved(APPS, "missing-service"));
        assertEquals(List.of("True", "Accepted"), accepted(APPS, "missing-service"));
        assertEquals(List.of("False", "InvalidKind"), resolved(APPS, "unknown-kind"));
        assertEquals(List.of("True", "Accepted"), accepted(APPS, "unknown-kind"));
        assertEquals(List.of("True", "ResolvedRefs"), resolved(APPS, "to-section"));
    }

    /**
     * HTTPRouteInvalidCrossNamespaceBackendRef, then HTTPRouteReferenceGrant once a ReferenceGrant
     * allows the reference, then RefNotPermitted again once it is deleted: each flip is seen within
     * seconds because ReferenceGrants are watched like every other input.
     */
    @Test
    @Order(4)
    void referenceGrantAddedThenRemovedFlipsResolvedRefs() throws Exception {
        await("no grant")
                .atMost(WITHIN)
                .until(() -> resolved(APPS, "cross-namespace").equals(List.of("False", "RefNotPermitted")));
        assertEquals(List.of("True", "Accepted"), accepted(APPS, "cross-namespace"));

        rest.apply("""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {name: allow-apps, namespace: backends}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
                  to: [{group: "", kind: Service, name: echo}]
                """);
        await("grant added")
                .atMost(WITHIN)
                .until(() -> resolved(APPS, "cross-namespace").equals(List.of("True", "ResolvedRefs")));

        rest.delete("gateway.networking.k8s.io/v1beta1", "ReferenceGrant", BACKENDS, "allow-apps");
        await("grant removed")
                .atMost(WITHIN)
                .until(() -> resolved(APPS, "cross-namespace").equals(List.of("False", "RefNotPermitted")));
    }

    /**
     * Gateway isolation on Kubernetes (docs/adr/0006-gateway-isolation.md): a younger Gateway with a
     * listener on the port the older Gateway serves gets router ports of the reserved range and a
     * Service of its own, whose cluster IP it reports, while the older one keeps the router
     * Service's address; the Service goes when the Gateway does.
     */
    @Test
    @Order(5)
    void aGatewayOnATakenPortGetsItsOwnServiceAndAddress() throws Exception {
        rest.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw2, namespace: apps}
                spec:
                  gatewayClassName: infergate
                  listeners:
                  - {name: http, port: 80, protocol: HTTP}
                """);
        rest.apply(route(APPS, "to-gw2", "name: gw2, namespace: apps", "name: echo, port: 8080"));
        String name = io.infergate.controller.kube.GatewayServices.serviceName(APPS, "gw2");
        await("the Gateway's Service")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Service", SYSTEM, name).isPresent());
        Map<String, Object> service = rest.get("v1", "Service", SYSTEM, name).orElseThrow();
        Map<String, Object> spec = Trees.map(service, "spec");
        assertEquals(Map.of("app.kubernetes.io/name", "kthena-router"), spec.get("selector"));
        @SuppressWarnings("unchecked")
        Map<String, Object> port =
                (Map<String, Object>) Trees.list(spec, "ports").getFirst();
        assertEquals(80L, ((Number) port.get("port")).longValue());
        long routerPort = ((Number) port.get("targetPort")).longValue();
        assertEquals(
                true,
                routerPort >= 20000 && routerPort <= 20999,
                "router port " + routerPort + " is in the reserved range");

        String ownIp = Trees.string(spec, "clusterIP");
        await("gw2 reports its Service's address")
                .atMost(WITHIN)
                .until(() -> List.of(Map.of("type", "IPAddress", "value", ownIp))
                        .equals(Trees.list(
                                Trees.map(rest.get(GW, "Gateway", APPS, "gw2").orElseThrow(), "status"), "addresses")));
        String routerIp = Trees.string(
                Trees.map(rest.get("v1", "Service", SYSTEM, "kthena-router").orElseThrow(), "spec"), "clusterIP");
        assertEquals(
                List.of(Map.of("type", "IPAddress", "value", routerIp)),
                Trees.list(Trees.map(gateway(), "status"), "addresses"));
        await("gw2's listener has the route")
                .atMost(WITHIN)
                .until(() -> accepted(APPS, "to-gw2").equals(List.of("True", "Accepted")));

        rest.delete(GW, "Gateway", APPS, "gw2");
        await("the Service goes with its Gateway")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Service", SYSTEM, name).isEmpty());
    }

    /** An HTTPRoute with one parentRef and one backendRef, each given as the fields inside its braces. */
    private static String route(String namespace, String name, String parentRef, String backendRef) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: %s}
                spec:
                  parentRefs:
                  - {%s}
                  rules:
                  - backendRefs:
                    - {%s}
                """.formatted(name, namespace, parentRef, backendRef);
    }

    private static Map<String, Object> gateway() throws Exception {
        return rest.get(GW, "Gateway", INFRA, "gw").orElseThrow();
    }

    private static Map<String, Object> route(String namespace, String name) throws Exception {
        return rest.get(GW, "HTTPRoute", namespace, name).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> listener(String name) throws Exception {
        return Trees.list(Trees.map(gateway(), "status"), "listeners").stream()
                .map(l -> (Map<String, Object>) l)
                .filter(l -> name.equals(l.get("name")))
                .findFirst()
                .orElse(Map.of());
    }

    private static long attached(String listener) throws Exception {
        Object n = listener(listener).get("attachedRoutes");
        return n == null ? -1 : ((Number) n).longValue();
    }

    /** [status, reason] of the route's Accepted condition for our parent, or [] before it is written. */
    private static List<String> accepted(String namespace, String name) throws Exception {
        return parentCondition(namespace, name, "Accepted");
    }

    private static List<String> resolved(String namespace, String name) throws Exception {
        return parentCondition(namespace, name, "ResolvedRefs");
    }

    private static List<String> parentCondition(String namespace, String name, String type) throws Exception {
        List<Map<String, Object>> ours = parents(route(namespace, name), OURS);
        return ours.isEmpty() ? List.of() : reasonOf(conditionIn(ours.getFirst(), type));
    }

    private static List<String> reasonOf(Optional<Map<String, Object>> condition) {
        return condition
                .map(c -> List.of((String) c.get("status"), (String) c.get("reason")))
                .orElse(List.of());
    }
}
