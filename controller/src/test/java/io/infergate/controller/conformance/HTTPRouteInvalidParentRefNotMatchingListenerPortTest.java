package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream HTTPRouteInvalidParentRefNotMatchingListenerPort (httproute-invalid-parentref-not-matching-listener-port.go/.yaml): a parentRef port that no listener has: Accepted=False/NoMatchingParent, nothing attached. Status only: the route serves nothing.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidParentRefNotMatchingListenerPortTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-parentref-not-matching-listener-port");
    }

    @Test
    void routeIsNotAcceptedWithReasonNoMatchingParent() {
        served.routeCondition(ConformanceEnv.INFRA, "httproute-listener-not-matching-route-port", "same-namespace", "Accepted", false, "NoMatchingParent");
    }

    @Test
    void routeShouldNotHaveParentsAccepted() {
        served.noAcceptedParents(ConformanceEnv.INFRA, "httproute-listener-not-matching-route-port");
    }

    @Test
    void gatewayShouldHaveZeroRoutesAttached() {
        served.zeroRoutes("same-namespace");
    }
}
