package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteExactPathMatching (httproute-exact-path-matching.go/.yaml): Exact paths are case-sensitive and match nothing longer, not even a trailing slash.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteExactPathMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-exact-path-matching");
        served.routeAccepted("exact-matching", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/one").backend("infra-backend-v1"),
                request("/two").backend("infra-backend-v2"),
                request("/").status(404),
                request("/one/example").status(404),
                request("/two/").status(404),
                request("/Two").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
