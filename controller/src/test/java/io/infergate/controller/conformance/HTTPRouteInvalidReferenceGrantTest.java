package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteInvalidReferenceGrant (httproute-invalid-reference-grant.go/.yaml): seven
 * ReferenceGrants that each miss the reference in one way (wrong from group, kind or namespace,
 * wrong to group, kind or name, or in the wrong namespace) permit nothing: ResolvedRefs=False
 * with RefNotPermitted, and 500.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidReferenceGrantTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-reference-grant");
        served.routeCondition(ConformanceEnv.INFRA, "reference-grant", "same-namespace", "Accepted", true, "Accepted");
    }

    @Test
    void hasAResolvedRefsConditionWithStatusFalseAndReasonRefNotPermitted() {
        served.routeCondition(ConformanceEnv.INFRA, "reference-grant", "same-namespace", "ResolvedRefs", false,
                "RefNotPermitted");
    }

    @Test
    void simpleHttpRequestShouldNotReachWebBackend() {
        served.check(served.gateway("same-namespace"), request("/").status(500));
    }
}
