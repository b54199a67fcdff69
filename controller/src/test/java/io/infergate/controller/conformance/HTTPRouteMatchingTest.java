package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteMatching (httproute-matching.go/.yaml): path prefixes and a header match in one route; prefixes match whole path elements.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-matching");
        served.routeAccepted("matching", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").backend("infra-backend-v1"),
                request("/example").backend("infra-backend-v1"),
                request("/").header("Version", "one").backend("infra-backend-v1"),
                request("/v2").backend("infra-backend-v2"),
                request("/v2/example").backend("infra-backend-v2"),
                request("/").header("Version", "two").backend("infra-backend-v2"),
                request("/v2/").backend("infra-backend-v2"),
                request("/v2example").backend("infra-backend-v1"),
                request("/foo/v2/example").backend("infra-backend-v1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
