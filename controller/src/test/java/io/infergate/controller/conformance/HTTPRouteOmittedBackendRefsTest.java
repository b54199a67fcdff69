package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteOmittedBackendRefs (httproute-omitted-backendrefs.go/.yaml): a rule with backendRefs omitted or empty (and no filter answering) gets 500; the rule with a backend serves.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteOmittedBackendRefsTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-omitted-backendrefs");
        served.routeAccepted("omitted-backendrefs", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/forward").backend("infra-backend-v1"),
                request("/omitted-no-forward").status(500),
                request("/empty-no-forward").status(500));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
