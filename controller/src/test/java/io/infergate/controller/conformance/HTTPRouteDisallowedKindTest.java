package io.infergate.controller.conformance;

import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upstream HTTPRouteDisallowedKind (httproute-disallowed-kind.go/.yaml): a route whose only
 * parent listener allows TLSRoutes alone is not accepted ({@code NotAllowedByListeners}) and the
 * Gateway counts no attached routes. Status only: nothing is served.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteDisallowedKindTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-disallowed-kind");
    }

    @Test
    void routeShouldNotHaveBeenAcceptedWithReasonNotAllowedByListeners() {
        served.routeCondition(ConformanceEnv.INFRA, "disallowed-kind", "tlsroutes-only", "Accepted", false,
                "NotAllowedByListeners");
    }

    @Test
    void gatewayShouldHaveZeroRoutesAttached() {
        ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus) served.status()
                .get(new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", ConformanceEnv.INFRA, "tlsroutes-only"))
                .orElseThrow();
        gw.listeners().forEach(l -> assertEquals(0, l.attachedRoutes(), "listener " + l.name()));
    }
}
