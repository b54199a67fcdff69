package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteResponseHeaderModifier (httproute-response-header-modifier.go/.yaml): ResponseHeaderModifier set, add, remove on what the backend answered (the echo server sets the headers named in X-Echo-Set-Header); names case-insensitive; request and response modifiers together.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteResponseHeaderModifierTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-response-header-modifier");
        served.routeAccepted("response-header-modifier", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/set").backendSets("Some-Other-Header", "val").backend("infra-backend-v1")
                        .responseHeader("Some-Other-Header", "val").responseHeader("X-Header-Set", "set-overwrites-values"),
                request("/set").backendSets("Some-Other-Header", "val").backendSets("X-Header-Set", "some-other-value")
                        .backend("infra-backend-v1")
                        .responseHeader("Some-Other-Header", "val").responseHeader("X-Header-Set", "set-overwrites-values"),
                request("/add").backendSets("Some-Other-Header", "val").backend("infra-backend-v1")
                        .responseHeader("Some-Other-Header", "val").responseHeader("X-Header-Add", "add-appends-values"),
                request("/add").backendSets("Some-Other-Header", "val").backendSets("X-Header-Add", "some-other-value")
                        .backend("infra-backend-v1").responseHeader("Some-Other-Header", "val")
                        .responseHeader("X-Header-Add", "some-other-value,add-appends-values"),
                request("/remove").backendSets("X-Header-Remove", "val").backend("infra-backend-v1")
                        .responseAbsent("X-Header-Remove"),
                request("/multiple").backendSets("X-Header-Set-2", "set-val-2").backendSets("X-Header-Add-2", "add-val-2")
                        .backendSets("X-Header-Remove-2", "remove-val-2").backendSets("Another-Header", "another-header-val")
                        .backendSets("X-Header-Remove-1", "val").backend("infra-backend-v1")
                        .responseHeader("X-Header-Set-1", "header-set-1").responseHeader("X-Header-Set-2", "header-set-2")
                        .responseHeader("X-Header-Add-1", "header-add-1").responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
                        .responseHeader("X-Header-Add-3", "header-add-3").responseHeader("Another-Header", "another-header-val")
                        .responseAbsent("X-Header-Remove-1", "X-Header-Remove-2"),
                request("/case-insensitivity").backendSets("x-header-set", "original-val-set")
                        .backendSets("x-header-add", "original-val-add").backendSets("x-header-remove", "original-val-remove")
                        .backendSets("Another-Header", "another-header-val").backend("infra-backend-v1")
                        .responseHeader("X-Header-Set", "header-set").responseHeader("X-Header-Add", "original-val-add,header-add")
                        .responseHeader("X-Lowercase-Add", "lowercase-add").responseHeader("X-Mixedcase-Add-1", "mixedcase-add-1")
                        .responseHeader("X-Mixedcase-Add-2", "mixedcase-add-2").responseHeader("X-Uppercase-Add", "uppercase-add")
                        .responseHeader("Another-Header", "another-header-val").responseAbsent("x-header-remove", "X-Header-Remove"),
                request("/response-and-request-header-modifiers").header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").header("X-Header-Echo", "echo")
                        .backendSets("X-Header-Set-2", "set-val-2").backendSets("X-Header-Add-2", "add-val-2")
                        .backendSets("X-Header-Remove-2", "remove-val-2").backendSets("Another-Header", "another-header-val")
                        .backendSets("X-Header-Remove-1", "remove-val-1").backendSets("X-Header-Echo", "echo")
                        .backend("infra-backend-v1")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Set", "set-overwrites-values")
                        .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2").expectHeader("X-Header-Echo", "echo")
                        .absent("X-Header-Remove")
                        .responseHeader("X-Header-Set-1", "header-set-1").responseHeader("X-Header-Set-2", "header-set-2")
                        .responseHeader("X-Header-Add-1", "header-add-1").responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
                        .responseHeader("Another-Header", "another-header-val").responseHeader("X-Header-Echo", "echo")
                        .responseAbsent("X-Header-Remove-1", "X-Header-Remove-2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
