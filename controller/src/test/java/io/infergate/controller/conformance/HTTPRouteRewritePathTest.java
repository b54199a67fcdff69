package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRewritePath (httproute-rewrite-path.go/.yaml): URLRewrite path: ReplacePrefixMatch (including replacement "/", which strips the prefix) and ReplaceFullPath, with a RequestHeaderModifier in the same rule.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRewritePathTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-rewrite-path");
        served.routeAccepted("rewrite-path", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/prefix/one/two").backend("infra-backend-v1").expectPath("/one/two"),
                request("/strip-prefix/three").backend("infra-backend-v1").expectPath("/three"),
                request("/strip-prefix").backend("infra-backend-v1").expectPath("/"),
                request("/full/one/two").backend("infra-backend-v1").expectPath("/one"),
                request("/full/rewrite-path-and-modify-headers/test").header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").header("X-Header-Set", "set-val")
                        .backend("infra-backend-v1").expectPath("/test")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                        .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove"),
                request("/prefix/rewrite-path-and-modify-headers/one").header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").header("X-Header-Set", "set-val")
                        .backend("infra-backend-v1").expectPath("/prefix/one")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                        .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
