package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteInvalidCrossNamespaceBackendRef (httproute-invalid-cross-namespace-backend-ref.go/.yaml): a backendRef into another namespace without a ReferenceGrant: ResolvedRefs=False/RefNotPermitted, and 500.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidCrossNamespaceBackendRefTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-cross-namespace-backend-ref");
        served.routeCondition(ConformanceEnv.INFRA, "invalid-cross-namespace-backend-ref", "same-namespace", "Accepted", true, "Accepted");
    }

    @Test
    void hasAResolvedRefsConditionWithStatusFalseAndReasonRefNotPermitted() {
        served.routeCondition(ConformanceEnv.INFRA, "invalid-cross-namespace-backend-ref", "same-namespace", "ResolvedRefs", false, "RefNotPermitted");
    }

    @Test
    void aRequestToTheInvalidBackendReceivesA500() {
        served.check(served.gateway("same-namespace"), request("/").status(500));
    }
}
