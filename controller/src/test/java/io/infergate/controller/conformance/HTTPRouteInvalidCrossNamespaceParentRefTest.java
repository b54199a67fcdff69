package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream HTTPRouteInvalidCrossNamespaceParentRef (httproute-invalid-cross-namespace-parent-ref.go/.yaml): a route in another namespace than the Gateway, whose listener allows routes from its own namespace only: Accepted=False/NotAllowedByListeners, nothing attached. Status only: the route serves nothing.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidCrossNamespaceParentRefTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-cross-namespace-parent-ref");
    }

    @Test
    void routeIsNotAcceptedWithReasonNotAllowedByListeners() {
        served.routeCondition(ConformanceEnv.WEB_BACKEND, "invalid-cross-namespace-parent-ref", "same-namespace", "Accepted", false, "NotAllowedByListeners");
    }

    @Test
    void routeShouldNotHaveParentsAccepted() {
        served.noAcceptedParents(ConformanceEnv.WEB_BACKEND, "invalid-cross-namespace-parent-ref");
    }

    @Test
    void gatewayShouldHaveZeroRoutesAttached() {
        served.zeroRoutes("same-namespace");
    }
}
