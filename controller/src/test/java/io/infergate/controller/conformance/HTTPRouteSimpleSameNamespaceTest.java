package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Upstream HTTPRouteSimpleSameNamespace: a route without matches sends every request to its backend. */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteSimpleSameNamespaceTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-simple-same-namespace");
    }

    @Test
    void simpleHttpRequestShouldReachInfraBackend() {
        served.routeAccepted("gateway-conformance-infra-test", "same-namespace");
        served.check(served.gateway("same-namespace"), Expected.request("/").backend("infra-backend-v1"));
    }
}
