package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteInvalidBackendRefUnknownKind (httproute-invalid-backendref-unknown-kind.go/.yaml): a backendRef of an unknown kind leaves the route accepted with ResolvedRefs=False/InvalidKind, and its share of requests gets 500.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidBackendRefUnknownKindTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-backendref-unknown-kind");
        served.routeCondition(ConformanceEnv.INFRA, "invalid-backend-ref-unknown-kind", "same-namespace", "Accepted", true, "Accepted");
    }

    @Test
    void hasAResolvedRefsConditionWithStatusFalseAndReasonInvalidKind() {
        served.routeCondition(ConformanceEnv.INFRA, "invalid-backend-ref-unknown-kind", "same-namespace", "ResolvedRefs", false, "InvalidKind");
    }

    @Test
    void aRequestToTheInvalidBackendReceivesA500() {
        served.check(served.gateway("same-namespace"), request("/v2").status(500));
    }
}
