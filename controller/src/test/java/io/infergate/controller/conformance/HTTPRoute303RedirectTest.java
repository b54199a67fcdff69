package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRoute303Redirect (httproute-303-redirect.go/.yaml): RequestRedirect statusCode 303 (extended: SupportHTTPRoute303RedirectStatusCode; a POST). Without a port or scheme in the filter, the Location keeps the listener port (here not 80, so it is written out).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRoute303RedirectTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-303-redirect");
        served.routeAccepted("303-redirect", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/see-other").method("POST").redirect(303, "http", ip(), port(), "/see-other"));
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
