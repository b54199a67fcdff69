package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteQueryParamMatching (httproute-query-param-matching.go/.yaml): query parameter matches (names case-sensitive), and their precedence against path and header matches.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteQueryParamMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-query-param-matching");
        served.routeAccepted("query-param-matching", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/?animal=whale").backend("infra-backend-v1"),
                request("/?animal=dolphin").backend("infra-backend-v2"),
                request("/?animal=dolphin&color=blue").backend("infra-backend-v3"),
                request("/?ANIMAL=Whale").backend("infra-backend-v3"),
                request("/?animal=whale&otherparam=irrelevant").backend("infra-backend-v1"),
                request("/?animal=dolphin&color=yellow").backend("infra-backend-v2"),
                request("/?color=blue").status(404),
                request("/?animal=dog").status(404),
                request("/?animal=whaledolphin").status(404),
                request("/").status(404),
                request("/path1?animal=whale").backend("infra-backend-v1"),
                request("/?animal=whale").header("version", "one").backend("infra-backend-v2"),
                request("/path2?animal=whale").header("version", "two").backend("infra-backend-v3"),
                request("/path3?animal=shark").backend("infra-backend-v1"),
                request("/path4?animal=kraken").header("version", "three").backend("infra-backend-v1"),
                request("/?animal=shark").status(404),
                request("/path4?animal=kraken").status(404),
                request("/path5?animal=hydra").backend("infra-backend-v1"),
                request("/?animal=hydra").header("version", "four").backend("infra-backend-v3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
