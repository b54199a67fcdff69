package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteBackendURLRewrite (httproute-backend-url-rewrite.go/.yaml): URLRewrite on a backendRef (extended: SupportHTTPRouteBackendURLRewrite) rewrites the path of the requests that backendRef serves.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteBackendURLRewriteTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-backend-url-rewrite");
        served.routeAccepted("backend-url-rewrite", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/full/original").backend("infra-backend-v1").expectPath("/rewritten-full"),
                request("/prefix/original").backend("infra-backend-v1").expectPath("/rewritten-prefix/original"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
