package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream GatewayHTTPListenerIsolation (gateway-http-listener-isolation.go and its two .yaml):
 * four listeners on one port (none, {@code *.example.com}, {@code *.foo.example.com},
 * {@code abc.foo.example.com}); a request uses only the routes of the most specific listener its
 * Host matches, so a route of a less specific listener never answers it (404). Once with the
 * hostnames on the listeners only, once with intersecting hostnames on the routes too.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class GatewayHTTPListenerIsolationTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("gateway-http-listener-isolation");
        for (String route : new String[] {"attaches-to-empty-hostname", "attaches-to-wildcard-example-com",
                "attaches-to-wildcard-foo-example-com", "attaches-to-abc-foo-example-com"}) {
            served.routeAccepted(route, "http-listener-isolation");
            served.routeAccepted(route + "-with-hostname-intersection", "http-listener-isolation-with-hostname-intersection");
        }
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/empty-hostname").host("bar.com").backend("infra-backend-v1"),
                request("/wildcard-example-com").host("bar.com").status(404),
                request("/wildcard-foo-example-com").host("bar.com").status(404),
                request("/abc-foo-example-com").host("bar.com").status(404),
                request("/empty-hostname").host("bar.example.com").status(404),
                request("/wildcard-example-com").host("bar.example.com").backend("infra-backend-v1"),
                request("/wildcard-foo-example-com").host("bar.example.com").status(404),
                request("/abc-foo-example-com").host("bar.example.com").status(404),
                request("/empty-hostname").host("bar.foo.example.com").status(404),
                request("/wildcard-example-com").host("bar.foo.example.com").status(404),
                request("/wildcard-foo-example-com").host("bar.foo.example.com").backend("infra-backend-v1"),
                request("/abc-foo-example-com").host("bar.foo.example.com").status(404),
                request("/empty-hostname").host("abc.foo.example.com").status(404),
                request("/wildcard-example-com").host("abc.foo.example.com").status(404),
                request("/wildcard-foo-example-com").host("abc.foo.example.com").status(404),
                request("/abc-foo-example-com").host("abc.foo.example.com").backend("infra-backend-v1"));
    }

    @ParameterizedTest(name = "hostnames are configured only in listeners/{0}")
    @MethodSource("cases")
    void hostnamesAreConfiguredOnlyInListeners(Expected row) {
        served.check(served.gateway("http-listener-isolation"), row);
    }

    @ParameterizedTest(name = "intersecting hostnames are configured in listeners and HTTPRoutes/{0}")
    @MethodSource("cases")
    void intersectingHostnamesAreConfiguredInListenersAndRoutes(Expected row) {
        served.check(served.gateway("http-listener-isolation-with-hostname-intersection"), row);
    }
}
