package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteMethodMatching (httproute-method-matching.go/.yaml): method matches, and their precedence against path and header matches.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteMethodMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-method-matching");
        served.routeAccepted("method-matching", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").method("POST").backend("infra-backend-v1"),
                request("/").method("GET").backend("infra-backend-v2"),
                request("/").method("HEAD").status(404),
                request("/path1").method("GET").backend("infra-backend-v1"),
                request("/").method("PUT").header("version", "one").backend("infra-backend-v2"),
                request("/path2").method("POST").header("version", "two").backend("infra-backend-v3"),
                request("/path3").method("PATCH").backend("infra-backend-v1"),
                request("/path4").method("DELETE").header("version", "three").backend("infra-backend-v1"),
                request("/").method("PUT").status(404),
                request("/path4").method("DELETE").status(404),
                request("/path5").method("PATCH").backend("infra-backend-v1"),
                request("/").method("PATCH").header("version", "four").backend("infra-backend-v2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
