package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteMatchingAcrossRoutes (httproute-matching-across-routes.go/.yaml): precedence across two routes with different hostnames (docs/adr/0002: hostname specificity is a tie-break, so the longer match of the other route wins).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteMatchingAcrossRoutesTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-matching-across-routes");
        served.routeAccepted("matching-part1", "same-namespace");
        served.routeAccepted("matching-part2", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").host("example.com").backend("infra-backend-v1"),
                request("/example").host("example.com").backend("infra-backend-v1"),
                request("/example").host("example.net").backend("infra-backend-v1"),
                request("/example").host("example.com").header("Version", "one").backend("infra-backend-v1"),
                request("/v2").host("example.com").backend("infra-backend-v2"),
                request("/v2").host("example.net").backend("infra-backend-v1"),
                request("/v2/example").host("example.com").backend("infra-backend-v2"),
                request("/").host("example.com").header("Version", "two").backend("infra-backend-v2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
