package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRoutePathMatchOrder (httproute-path-match-order.go/.yaml): Exact before the longest PathPrefix, whatever the rule order.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRoutePathMatchOrderTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-path-match-order");
        served.routeAccepted("path-matching-order", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/match/exact/one").backend("infra-backend-v3"),
                request("/match/exact").backend("infra-backend-v2"),
                request("/match").backend("infra-backend-v1"),
                request("/match/prefix/one/any").backend("infra-backend-v2"),
                request("/match/prefix/any").backend("infra-backend-v1"),
                request("/match/any").backend("infra-backend-v3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
