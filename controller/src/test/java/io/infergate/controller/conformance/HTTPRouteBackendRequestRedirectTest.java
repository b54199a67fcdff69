package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteBackendRequestRedirect (httproute-backend-request-redirect.go/.yaml): RequestRedirect on a backendRef (extended: SupportHTTPRouteBackendRequestRedirect) answers the requests that backendRef would serve.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteBackendRequestRedirectTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-backend-request-redirect");
        served.routeAccepted("backend-request-redirect", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/full/original").redirect(302, "http", gateway.ip(), Integer.toString(gateway.port()), "/redirected-full"),
                request("/prefix/original").redirect(302, "http", gateway.ip(), Integer.toString(gateway.port()),
                        "/redirected-prefix/original"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
