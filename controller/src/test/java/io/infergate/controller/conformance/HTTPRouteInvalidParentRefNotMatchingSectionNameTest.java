package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream HTTPRouteInvalidParentRefNotMatchingSectionName (httproute-invalid-parentref-not-matching-section-name.go/.yaml): a parentRef sectionName that names no listener: Accepted=False/NoMatchingParent, nothing attached. Status only: the route serves nothing.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidParentRefNotMatchingSectionNameTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-parentref-not-matching-section-name");
    }

    @Test
    void routeIsNotAcceptedWithReasonNoMatchingParent() {
        served.routeCondition(ConformanceEnv.INFRA, "httproute-listener-not-matching-section-name", "same-namespace", "Accepted", false, "NoMatchingParent");
    }

    @Test
    void routeShouldNotHaveParentsAccepted() {
        served.noAcceptedParents(ConformanceEnv.INFRA, "httproute-listener-not-matching-section-name");
    }

    @Test
    void gatewayShouldHaveZeroRoutesAttached() {
        served.zeroRoutes("same-namespace");
    }
}
