package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteRedirectPortAndScheme (httproute-redirect-port-and-scheme.go/.yaml): the
 * spec's default-port rules. No port and no scheme: the listener's port; a scheme without a port:
 * that scheme's well-known port; port 80 with http and 443 with https are left out of the
 * Location. Upstream's listeners are on 80 and 8080, where "the listener port" is written as none
 * and "8080"; here they are free ports standing in for them, so those rows expect that port. The
 * HTTPS listener rows are not run: HTTPS listeners are not served in this iteration.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRedirectPortAndSchemeTest {

    private static Served served;
    private static Served.Address on80;
    private static Served.Address on8080;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-redirect-port-and-scheme");
        served.routeAccepted("http-route-for-listener-on-port-80", "same-namespace");
        served.routeAccepted("http-route-for-listener-on-port-8080", "same-namespace-with-http-listener-on-8080");
        on80 = served.gateway("same-namespace");
        on8080 = served.gateway("same-namespace-with-http-listener-on-8080", env.port8080());
    }

    static Stream<Expected> httpListenerOn80() {
        String listener = Integer.toString(on80.port());
        return Expected.table(
                request("/scheme-nil-and-port-nil").redirect(302, "http", "example.org", listener, "/scheme-nil-and-port-nil"),
                request("/scheme-nil-and-port-80").redirect(302, "http", "example.org", "", "/scheme-nil-and-port-80"),
                request("/scheme-nil-and-port-8080").redirect(302, "http", "example.org", "8080", "/scheme-nil-and-port-8080"),
                request("/scheme-https-and-port-nil").redirect(302, "https", "example.org", "", "/scheme-https-and-port-nil"),
                request("/scheme-https-and-port-443").redirect(302, "https", "example.org", "", "/scheme-https-and-port-443"),
                request("/scheme-https-and-port-8443").redirect(302, "https", "example.org", "8443", "/scheme-https-and-port-8443"));
    }

    @ParameterizedTest(name = "http-listener-on-80/{0}")
    @MethodSource("httpListenerOn80")
    void httpListenerOn80(Expected row) {
        served.check(on80, row);
    }

    static Stream<Expected> httpListenerOn8080() {
        String listener = Integer.toString(on8080.port());
        return Expected.table(
                request("/scheme-nil-and-port-nil").redirect(302, "http", "example.org", listener, "/scheme-nil-and-port-nil"),
                request("/scheme-nil-and-port-80").redirect(302, "http", "example.org", "", "/scheme-nil-and-port-80"),
                request("/scheme-https-and-port-nil").redirect(302, "https", "example.org", "", "/scheme-https-and-port-nil"));
    }

    @ParameterizedTest(name = "http-listener-on-8080/{0}")
    @MethodSource("httpListenerOn8080")
    void httpListenerOn8080(Expected row) {
        served.check(on8080, row);
    }
}
