package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRequestMultipleMirrors (httproute-request-multiple-mirrors.go/.yaml): two
 * RequestMirror filters in one rule each send a copy (infra-backend-v2 and infra-backend-v3)
 * while infra-backend-v1 serves the request.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRequestMultipleMirrorsTest {

    private static ConformanceEnv env;
    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv shared) {
        env = shared;
        served = env.apply("httproute-request-multiple-mirrors");
        served.routeAccepted("request-multiple-mirrors", "same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request(Mirrored.unique("/multi-mirror")).backend("infra-backend-v1"),
                request(Mirrored.unique("/multi-mirror-and-modify-request-headers")).header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").backend("infra-backend-v1")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                        .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(served.gateway("same-namespace"), row);
        Mirrored.awaitCopies(env, row.path(), List.of("infra-backend-v2", "infra-backend-v3"));
    }
}
