package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteHeaderMatching (httproute-header-matching.go/.yaml): exact and regular-expression header matches, ANDed within a match.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteHeaderMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-header-matching");
        served.routeAccepted("header-matching", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").header("Version", "one").backend("infra-backend-v1"),
                request("/").header("Version", "two").backend("infra-backend-v2"),
                request("/").header("Version", "two").header("Color", "orange").backend("infra-backend-v1"),
                request("/").header("Version", "two").header("Color", "blue").backend("infra-backend-v2"),
                request("/").header("Color", "orange").status(404),
                request("/").header("Some-Other-Header", "one").status(404),
                request("/").header("Color", "blue").backend("infra-backend-v1"),
                request("/").header("Color", "green").backend("infra-backend-v1"),
                request("/").header("Color", "red").backend("infra-backend-v2"),
                request("/").header("Color", "yellow").backend("infra-backend-v2"),
                request("/").header("Color", "purple").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
