package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRoute307Redirect (httproute-307-redirect.go/.yaml): RequestRedirect statusCode 307 (extended: SupportHTTPRoute307RedirectStatusCode). Without a port or scheme in the filter, the Location keeps the listener port (here not 80, so it is written out).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRoute307RedirectTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-307-redirect");
        served.routeAccepted("307-redirect", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/temporary").redirect(307, "http", ip(), port(), "/temporary"));
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
