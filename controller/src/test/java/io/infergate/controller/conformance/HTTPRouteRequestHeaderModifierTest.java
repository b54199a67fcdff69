package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRequestHeaderModifier (httproute-request-header-modifier.go/.yaml): RequestHeaderModifier set (replaces), add (appends to what the client sent), remove; names case-insensitive.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRequestHeaderModifierTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-request-header-modifier");
        served.routeAccepted("request-header-modifier", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/set").header("Some-Other-Header", "val").backend("infra-backend-v1")
                        .expectHeader("Some-Other-Header", "val").expectHeader("X-Header-Set", "set-overwrites-values"),
                request("/set").header("Some-Other-Header", "val").header("X-Header-Set", "some-other-value")
                        .backend("infra-backend-v1")
                        .expectHeader("Some-Other-Header", "val").expectHeader("X-Header-Set", "set-overwrites-values"),
                request("/add").header("Some-Other-Header", "val").backend("infra-backend-v1")
                        .expectHeader("Some-Other-Header", "val").expectHeader("X-Header-Add", "add-appends-values"),
                request("/add").header("Some-Other-Header", "val").header("X-Header-Add", "some-other-value")
                        .backend("infra-backend-v1").expectHeader("Some-Other-Header", "val")
                        .expectHeader("X-Header-Add", "some-other-value,add-appends-values"),
                request("/remove").header("X-Header-Remove", "val").backend("infra-backend-v1").absent("X-Header-Remove"),
                request("/multiple").header("X-Header-Set-2", "set-val-2").header("X-Header-Add-2", "add-val-2")
                        .header("X-Header-Remove-2", "remove-val-2").header("Another-Header", "another-header-val")
                        .backend("infra-backend-v1")
                        .expectHeader("X-Header-Set-1", "header-set-1").expectHeader("X-Header-Set-2", "header-set-2")
                        .expectHeader("X-Header-Add-1", "header-add-1").expectHeader("X-Header-Add-2", "add-val-2,header-add-2")
                        .expectHeader("X-Header-Add-3", "header-add-3").expectHeader("Another-Header", "another-header-val")
                        .absent("X-Header-Remove-1", "X-Header-Remove-2"),
                request("/case-insensitivity").header("x-header-set", "original-val-set")
                        .header("x-header-add", "original-val-add").header("x-header-remove", "original-val-remove")
                        .header("Another-Header", "another-header-val").backend("infra-backend-v1")
                        .expectHeader("X-Header-Set", "header-set").expectHeader("X-Header-Add", "original-val-add,header-add")
                        .expectHeader("Another-Header", "another-header-val").absent("x-header-remove", "X-Header-Remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
