package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRedirectPort (httproute-redirect-port.go/.yaml): RequestRedirect port, alone and with hostname and status.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRedirectPortTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-redirect-port");
        served.routeAccepted("redirect-port", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/port").redirect(302, "http", ip(), "8083", "/port"),
                request("/port-and-host").redirect(302, "http", "example.org", "8083", "/port-and-host"),
                request("/port-and-status").redirect(301, "http", ip(), "8083", "/port-and-status"),
                request("/port-and-host-and-status").redirect(302, "http", "example.org", "8083", "/port-and-host-and-status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }

    /** The request's own host (the Gateway address it was sent to) and the listener port. */
    private static String ip() {
        return gateway.ip();
    }

    private static String port() {
        return Integer.toString(gateway.port());
    }
}
