package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream HTTPRouteInvalidParentRefSectionNameNotMatchingPort (httproute-invalid-parentref-section-name-not-matching-port.go/.yaml): sectionName and port both set must both match one listener: Accepted=False/NoMatchingParent, nothing attached. Status only: the route serves nothing.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteInvalidParentRefSectionNameNotMatchingPortTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-invalid-parentref-section-name-not-matching-port");
    }

    @Test
    void routeIsNotAcceptedWithReasonNoMatchingParent() {
        served.routeCondition(ConformanceEnv.INFRA, "httproute-listener-section-name-not-matching-port", "gateway-with-one-not-matching-port-and-section-name-route", "Accepted", false, "NoMatchingParent");
    }

    @Test
    void routeShouldNotHaveParentsAccepted() {
        served.noAcceptedParents(ConformanceEnv.INFRA, "httproute-listener-section-name-not-matching-port");
    }

    @Test
    void gatewayShouldHaveZeroRoutesAttached() {
        served.zeroRoutes("gateway-with-one-not-matching-port-and-section-name-route");
    }
}
