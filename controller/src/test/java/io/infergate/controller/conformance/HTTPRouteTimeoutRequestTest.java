package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteTimeoutRequest (httproute-timeout-request.go/.yaml): timeouts.request 500ms: a backend that answers after 1 s (the echo server's delay parameter) gets 504, an OpenAI-style error; "0s" disables the timeout.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteTimeoutRequestTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-timeout-request");
        served.routeAccepted("request-timeout", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/request-timeout").backend("infra-backend-v1"),
                request("/request-timeout?delay=1s").status(504),
                request("/disable-request-timeout?delay=1s").backend("infra-backend-v1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
