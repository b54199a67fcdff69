package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteListenerPortMatching (httproute-listener-port-matching.go/.yaml, extended:
 * SupportHTTPRouteParentRefPort): parentRef {@code port} attaches a route to the listeners on that
 * port, and with {@code sectionName} to that listener only. Requests go to the listener port their
 * Host names (80, 8080, 8090 standing for the suite's free ports); the Host's port itself is
 * ignored for matching.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteListenerPortMatchingTest {

    private static final String GW = "httproute-listener-port-matching";
    private static ConformanceEnv env;
    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv shared) {
        env = shared;
        served = env.apply("httproute-listener-port-matching");
        served.routeAccepted("backend-v1", GW);
        served.routeAccepted("backend-v2", GW);
        served.routeAccepted("backend-v3", GW);
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/").host("foo.com").backend("infra-backend-v1"),
                request("/").host("foo.com:8080").backend("infra-backend-v2"),
                request("/").host("bar.com:8080").backend("infra-backend-v2"),
                request("/").host("foo.com:8090").backend("infra-backend-v3"),
                request("/").host("bar.com:8090").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        String host = row.toRequest().host();
        int port = host.endsWith(":8080") ? env.port8080() : host.endsWith(":8090") ? env.port8090() : env.port80();
        served.check(served.gateway(GW, port), row);
    }
}
