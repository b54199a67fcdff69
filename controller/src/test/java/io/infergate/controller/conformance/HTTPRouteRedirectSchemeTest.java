package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRedirectScheme (httproute-redirect-scheme.go/.yaml): RequestRedirect scheme https without a port: the well-known port 443, left out of the Location.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRedirectSchemeTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-redirect-scheme");
        served.routeAccepted("redirect-scheme", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/scheme").redirect(302, "https", ip(), "", "/scheme"),
                request("/scheme-and-host").redirect(302, "https", "example.org", "", "/scheme-and-host"),
                request("/scheme-and-status").redirect(301, "https", ip(), "", "/scheme-and-status"),
                request("/scheme-and-host-and-status").redirect(302, "https", "example.org", "", "/scheme-and-host-and-status"));
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
