package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRedirectPath (httproute-redirect-path.go/.yaml): RequestRedirect path: ReplacePrefixMatch and ReplaceFullPath, with hostname and status. Without a port or scheme in the filter, the Location keeps the listener port (here not 80, so it is written out).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRedirectPathTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-redirect-path");
        served.routeAccepted("redirect-path", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/original-prefix/lemon").redirect(302, "http", ip(), port(), "/replacement-prefix/lemon"),
                request("/full/path/original").redirect(302, "http", ip(), port(), "/full-path-replacement"),
                request("/path-and-host").redirect(302, "http", "example.org", port(), "/replacement-prefix"),
                request("/path-and-status").redirect(301, "http", ip(), port(), "/replacement-prefix"),
                request("/full-path-and-host").redirect(302, "http", "example.org", port(), "/replacement-full"),
                request("/full-path-and-status").redirect(301, "http", ip(), port(), "/replacement-full"));
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
