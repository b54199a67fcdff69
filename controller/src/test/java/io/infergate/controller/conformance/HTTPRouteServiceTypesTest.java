package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteServiceTypes (httproute-service-types.go/.yaml), the row local mode can run:
 * a headless Service ({@code clusterIP: None}) with a selector reaches its Pods. The two rows for
 * selector-less Services with manual EndpointSlices need the EndpointSlices as endpoints, which
 * only cluster mode reads (local mode selects Pods by the Service's selector); the translator's
 * EndpointSliceBackendsTest covers them there. They are not run here.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteServiceTypesTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-service-types");
        served.routeAccepted("service-types", "same-namespace");
    }

    @Test
    void headlessServiceReachesItsPods() {
        served.check(served.gateway("same-namespace"), request("/headless").backend("infra-backend-v1"));
    }
}
