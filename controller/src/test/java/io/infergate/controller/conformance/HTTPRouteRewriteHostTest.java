package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRewriteHost (httproute-rewrite-host.go/.yaml): URLRewrite hostname replaces the Host sent upstream; with a RequestHeaderModifier in the same rule.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRewriteHostTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-rewrite-host");
        served.routeAccepted("rewrite-host", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/one").host("rewrite.example").backend("infra-backend-v1").expectHost("one.example.org"),
                request("/two").host("rewrite.example").backend("infra-backend-v2").expectHost("example.org"),
                request("/rewrite-host-and-modify-headers").host("rewrite.example").header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").backend("infra-backend-v2").expectHost("test.example.org")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                        .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
