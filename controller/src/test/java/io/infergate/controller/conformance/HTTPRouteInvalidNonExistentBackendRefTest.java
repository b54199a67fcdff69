package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteInvalidNonExistentBackendRef (httproute-invalid-nonexistent-backendref.go/.yaml): a backendRef to a missing Service: ResolvedRefs=False/BackendNotFound, and 500.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidNonExistentBackendRefTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-nonexistent-backendref");
        served.routeCondition(ConformanceEnv.INFRA, "invalid-nonexistent-backend-ref", "same-namespace", "Accepted", true, "Accepted");
    }

    @Test
    void hasAResolvedRefsConditionWithStatusFalseAndReasonBackendNotFound() {
        served.routeCondition(ConformanceEnv.INFRA, "invalid-nonexistent-backend-ref", "same-namespace", "ResolvedRefs", false, "BackendNotFound");
    }

    @Test
    void aRequestToTheInvalidBackendReceivesA500() {
        served.check(served.gateway("same-namespace"), request("/").status(500));
    }
}
