package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteTimeoutBackendRequest (httproute-timeout-backend-request.go/.yaml): timeouts.backendRequest 500ms: a backend that answers after 1 s gets 504, an OpenAI-style error; "0s" disables the timeout.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteTimeoutBackendRequestTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-timeout-backend-request");
        served.routeAccepted("backend-request-timeout", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/backend-timeout").backend("infra-backend-v1"),
                request("/backend-timeout?delay=1s").status(504),
                request("/disable-backend-timeout?delay=1s").backend("infra-backend-v1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
