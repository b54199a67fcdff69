package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteNamedRule (httproute-named-rule.go/.yaml): rules may carry a name (extended: SupportHTTPRouteNamedRouteRule); named and unnamed rules both serve. Upstream checks the status only; the backends are checked here too.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteNamedRuleTest {

    private static Served served;
    private static Served.Address gateway;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-named-rule");
        served.routeAccepted("http-named-rules", "same-namespace");
        gateway = served.gateway("same-namespace");
    }

    static Stream<Expected> cases() {
        return Expected.table(
                request("/named").backend("infra-backend-v1"),
                request("/unnamed").backend("infra-backend-v2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(Expected row) {
        served.check(gateway, row);
    }
}
