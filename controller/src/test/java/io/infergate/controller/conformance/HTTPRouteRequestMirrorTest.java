package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upstream HTTPRouteRequestMirror (httproute-request-mirror.go/.yaml): the request is served by
 * infra-backend-v1 and a copy reaches infra-backend-v2, whose answer is ignored; with a
 * RequestHeaderModifier in the same rule the served request is modified.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRequestMirrorTest {

    private static ConformanceEnv env;
    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv shared) {
        env = shared;
        served = env.apply("httproute-request-mirror");
        served.routeAccepted("request-mirror", "same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request(Mirrored.unique("/mirror")).backend("infra-backend-v1"),
                request(Mirrored.unique("/mirror-and-modify-headers")).header("X-Header-Remove", "remove-val")
                        .header("X-Header-Add-Append", "append-val-1").backend("infra-backend-v1")
                        .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                        .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(served.gateway("same-namespace"), row);
        Mirrored.awaitCopies(env, row.path(), List.of("infra-backend-v2"));
        assertEquals(1, env.echoed("infra-backend-v2").stream().filter(row.path()::equals).count(), "exactly one copy");
    }
}
