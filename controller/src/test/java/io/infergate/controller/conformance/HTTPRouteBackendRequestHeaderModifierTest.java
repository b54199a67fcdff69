package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * Upstream HTTPRouteBackendRequestHeaderModifier (httproute-request-header-modifier-backend.yaml,
 * run with HTTPRouteRequestHeaderModifier's table): the same RequestHeaderModifier filters, placed
 * on the backendRefs instead of the rules, give the same requests at the backend.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteBackendRequestHeaderModifierTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-request-header-modifier-backend");
        served.routeAccepted("request-header-modifier", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return HTTPRouteRequestHeaderModifierTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
