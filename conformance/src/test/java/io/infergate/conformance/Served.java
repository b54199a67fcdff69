package io.infergate.conformance;

import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ConditionStatus;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusPlan;
import jakarta.json.JsonObject;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One test's manifests as served: their status (what the controller would write) and requests
 * to their Gateways, playing upstream's {@code GatewayAndHTTPRoutesMustBeAccepted} and
 * {@code MakeRequestAndExpectEventuallyConsistentResponse}. The router already serves exactly
 * these manifests when this exists, so each request is made once.
 */
final class Served {

    private static final String GATEWAY_API = "gateway.networking.k8s.io/v1";

    private final ConformanceEnv env;
    private final StatusPlan status;

    Served(ConformanceEnv env, StatusPlan status) {
        this.env = env;
        this.status = status;
    }

    ConformanceEnv env() {
        return env;
    }

    /** The status the controller planned for these manifests, as stamped once the router held them. */
    StatusPlan status() {
        return status;
    }

    /** {@code address:port} strings are not needed: the Gateway's first status address and a listener port. */
    record Address(String ip, int port) {}

    /**
     * The address of a Gateway in {@code gateway-conformance-infra} from its status, with the
     * port that stands in for 80, after checking it is Accepted and Programmed (the router holds it).
     */
    Address gateway(String name) {
        return gateway(name, env.port80());
    }

    Address gateway(String name, int port) {
        ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus)
                status.get(new ObjectKey(GATEWAY_API, "Gateway", ConformanceEnv.INFRA, name))
                        .orElseGet(() -> fail("no status for Gateway " + name));
        assertCondition(gw.conditions(), "Accepted", true, null, "Gateway " + name);
        assertCondition(gw.conditions(), "Programmed", true, null, "Gateway " + name);
        return new Address(gw.addresses().getFirst().value(), port);
    }

    /** Asserts a condition of the route's status entry for the parent Gateway {@code gateway}. */
    void routeCondition(String namespace, String route, String gateway, String type, boolean isTrue, String reason) {
        ObjectStatus.HttpRouteStatus s =
                (ObjectStatus.HttpRouteStatus) status.get(new ObjectKey(GATEWAY_API, "HTTPRoute", namespace, route))
                        .orElseGet(() -> fail("no status for HTTPRoute " + namespace + "/" + route + " among "
                                + status.byKey().keySet()));
        List<ObjectStatus.ParentStatus> parents = s.parents().stream()
                .filter(p -> p.parentRef().name().equals(gateway))
                .toList();
        if (parents.isEmpty()) {
            fail("HTTPRoute " + namespace + "/" + route + " has no status for parent " + gateway + ": " + s);
        }
        assertCondition(parents.getFirst().conditions(), type, isTrue, reason, "HTTPRoute " + route);
    }

    /** No parent of the route is Accepted=True (upstream HTTPRouteMustHaveNoAcceptedParents). */
    void noAcceptedParents(String namespace, String route) {
        ObjectStatus.HttpRouteStatus s =
                (ObjectStatus.HttpRouteStatus) status.get(new ObjectKey(GATEWAY_API, "HTTPRoute", namespace, route))
                        .orElseGet(() -> fail("no status for HTTPRoute " + namespace + "/" + route));
        for (ObjectStatus.ParentStatus p : s.parents()) {
            boolean accepted = p.conditions().stream()
                    .anyMatch(c -> c.type().equals("Accepted") && c.status() == ConditionStatus.TRUE);
            assertEquals(false, accepted, "HTTPRoute " + route + " is accepted by " + p.parentRef());
        }
    }

    /** Every listener of the Gateway counts 0 attached routes (upstream GatewayMustHaveZeroRoutes). */
    void zeroRoutes(String gateway) {
        ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus)
                status.get(new ObjectKey(GATEWAY_API, "Gateway", ConformanceEnv.INFRA, gateway))
                        .orElseGet(() -> fail("no status for Gateway " + gateway));
        gw.listeners()
                .forEach(l -> assertEquals(0, l.attachedRoutes(), "Gateway " + gateway + " listener " + l.name()));
    }

    /** Accepted=True and ResolvedRefs=True for the parent (upstream's usual preamble). */
    void routeAccepted(String route, String gateway) {
        routeCondition(ConformanceEnv.INFRA, route, gateway, "Accepted", true, "Accepted");
        routeCondition(ConformanceEnv.INFRA, route, gateway, "ResolvedRefs", true, "ResolvedRefs");
    }

    /** Sends the row's request to the address and checks the answer. */
    JsonObject check(Address at, Expected row) {
        return row.verify(send(at, row), at.ip(), at.port());
    }

    /** Sends the row's request to the Gateway, on the row's listener port, and checks the answer. */
    JsonObject check(String gateway, Expected row) {
        return check(gateway(gateway, env.port(row.listener())), row);
    }

    /**
     * Sends the row's request over TLS with {@code sni} to the Gateway's address on the port that
     * stands in for 80 (the suite's HTTPS listeners use it), and checks the answer.
     */
    JsonObject checkTls(String gateway, String sni, Expected row) {
        Address at = gateway(gateway, env.port80());
        return row.verify(env.tls().send(at.ip(), at.port(), sni, row.toRequest()), at.ip(), at.port());
    }

    /**
     * A listener's status: the condition, and when {@code attached} is not negative the number of
     * attached routes, with HTTPRoute as its one supported kind (upstream GatewayStatusMustHaveListeners).
     */
    void listenerCondition(String gateway, String listener, String type, boolean isTrue, String reason, int attached) {
        ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus)
                status.get(new ObjectKey(GATEWAY_API, "Gateway", ConformanceEnv.INFRA, gateway))
                        .orElseGet(() -> fail("no status for Gateway " + gateway));
        ObjectStatus.ListenerStatus l = gw.listeners().stream()
                .filter(x -> x.name().equals(listener))
                .findFirst()
                .orElseGet(() -> fail("Gateway " + gateway + " has no listener " + listener));
        assertCondition(l.conditions(), type, isTrue, reason, "Gateway " + gateway + " listener " + listener);
        if (attached >= 0) {
            assertEquals(
                    attached, l.attachedRoutes(), "Gateway " + gateway + " listener " + listener + " attachedRoutes");
            assertEquals(
                    List.of("gateway.networking.k8s.io/HTTPRoute"),
                    l.supportedKinds().stream()
                            .map(k -> k.group() + "/" + k.kind())
                            .toList(),
                    "supportedKinds");
        }
    }

    /** Asserts a condition of a BackendTLSPolicy's {@code status.ancestors} entry for the Gateway. */
    void policyCondition(String policy, String gateway, String type, boolean isTrue, String reason) {
        assertCondition(ancestor(policy, gateway).conditions(), type, isTrue, reason, "BackendTLSPolicy " + policy);
    }

    /** Every condition of the policy's entry for the Gateway observed {@code generation} (upstream MustHaveLatestConditions). */
    void policyGeneration(String policy, String gateway, long generation) {
        for (Condition c : ancestor(policy, gateway).conditions()) {
            assertEquals(generation, c.observedGeneration(), "BackendTLSPolicy " + policy + " " + c.type());
        }
    }

    private ObjectStatus.ParentStatus ancestor(String policy, String gateway) {
        ObjectStatus.PolicyStatus s = (ObjectStatus.PolicyStatus)
                status.get(new ObjectKey(GATEWAY_API, "BackendTLSPolicy", ConformanceEnv.INFRA, policy))
                        .orElseGet(() -> fail("no status for BackendTLSPolicy " + policy));
        return s.ancestors().stream()
                .filter(a -> a.parentRef().name().equals(gateway))
                .findFirst()
                .orElseGet(() -> fail("BackendTLSPolicy " + policy + " has no ancestor " + gateway + ": " + s));
    }

    RoundTrip.Response send(Address at, Expected row) {
        return env.client().send(at.ip(), at.port(), row.toRequest());
    }

    private static void assertCondition(
            List<Condition> conditions, String type, boolean isTrue, String reason, String what) {
        Optional<Condition> c =
                conditions.stream().filter(x -> x.type().equals(type)).findFirst();
        if (c.isEmpty()) {
            fail(what + " has no " + type + " condition: " + conditions);
        }
        assertEquals(
                isTrue ? ConditionStatus.TRUE : ConditionStatus.FALSE,
                c.get().status(),
                what + " " + type + ": " + c.get());
        if (reason != null) {
            assertEquals(reason, c.get().reason(), what + " " + type + " reason: " + c.get());
        }
    }
}
