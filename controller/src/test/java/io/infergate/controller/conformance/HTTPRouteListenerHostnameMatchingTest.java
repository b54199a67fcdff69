package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteListenerHostnameMatching (httproute-listener-hostname-matching.go/.yaml): listener isolation: a request uses only the routes of the one listener it matches, exact hostname before wildcard.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteListenerHostnameMatchingTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-listener-hostname-matching");
        served.routeAccepted("backend-v1", "httproute-listener-hostname-matching");
        served.routeAccepted("backend-v2", "httproute-listener-hostname-matching");
        served.routeAccepted("backend-v3", "httproute-listener-hostname-matching");
        gateway = served.gateway("httproute-listener-hostname-matching");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").host("bar.com").backend("infra-backend-v1"),
                request("/").host("foo.bar.com").backend("infra-backend-v2"),
                request("/").host("baz.bar.com").backend("infra-backend-v3"),
                request("/").host("boo.bar.com").backend("infra-backend-v3"),
                request("/").host("multiple.prefixes.bar.com").backend("infra-backend-v3"),
                request("/").host("multiple.prefixes.foo.com").backend("infra-backend-v3"),
                request("/").host("foo.com").status(404),
                request("/").host("no.matching.host").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
