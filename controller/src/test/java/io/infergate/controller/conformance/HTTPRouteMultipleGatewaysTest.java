package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteMultipleGateways (httproute-multiple-gateways.go/.yaml): one route attached to
 * two Gateways serves on both, and each Gateway's dedicated route only on its own Gateway (the two
 * Gateways share a port and are kept apart by their addresses).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteMultipleGatewaysTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-multiple-gateways");
        served.routeAccepted("multiple-gateways-shared-route", "same-namespace");
        served.routeAccepted("multiple-gateways-shared-route", "all-namespaces");
        served.routeAccepted("same-namespace-dedicated-route", "same-namespace");
        served.routeAccepted("all-namespaces-dedicated-route", "all-namespaces");
    }

    @Test
    void gatewaySameNamespace() {
        Served.Address gw = served.gateway("same-namespace");
        served.check(gw, request("/shared").backend("infra-backend-v1"));
        served.check(gw, request("/").backend("infra-backend-v2"));
    }

    @Test
    void gatewayAllNamespaces() {
        Served.Address gw = served.gateway("all-namespaces");
        served.check(gw, request("/shared").backend("infra-backend-v1"));
        served.check(gw, request("/").backend("infra-backend-v3"));
    }
}
