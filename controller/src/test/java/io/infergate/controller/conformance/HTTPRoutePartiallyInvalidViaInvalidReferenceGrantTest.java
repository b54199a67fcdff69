package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRoutePartiallyInvalidViaInvalidReferenceGrant
 * (httproute-partially-invalid-via-invalid-reference-grant.go/.yaml): one rule's cross-namespace
 * backendRef is not permitted (500, ResolvedRefs=False/RefNotPermitted) while a sibling rule whose
 * backendRef is permitted keeps serving.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRoutePartiallyInvalidViaInvalidReferenceGrantTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-partially-invalid-via-invalid-reference-grant");
        served.routeCondition(ConformanceEnv.INFRA, "invalid-reference-grant", "same-namespace", "Accepted", true, "Accepted");
    }

    @Test
    void hasAResolvedRefsConditionWithStatusFalseAndReasonRefNotPermitted() {
        served.routeCondition(ConformanceEnv.INFRA, "invalid-reference-grant", "same-namespace", "ResolvedRefs", false,
                "RefNotPermitted");
    }

    @Test
    void requestToTheInvalidBackendReceivesA500() {
        served.check(served.gateway("same-namespace"), request("/v2").status(500));
    }

    @Test
    void requestToTheValidSiblingBackendSucceeds() {
        served.check(served.gateway("same-namespace"), request("/").backend("app-backend-v1")
                .namespace(ConformanceEnv.APP_BACKEND));
    }
}
