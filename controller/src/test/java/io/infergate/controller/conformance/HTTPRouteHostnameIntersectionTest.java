package io.infergate.controller.conformance;

import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upstream HTTPRouteHostnameIntersection (httproute-hostname-intersection.go/.yaml): route
 * hostnames intersected with listener hostnames (wildcards over one or more labels, never the
 * apex; the Host's port ignored); a route intersecting no listener is not accepted
 * ({@code NoMatchingListenerHostname}) and serves nothing; attachedRoutes counts only accepted
 * routes; a listener without a hostname takes the route's hostnames as they are.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteHostnameIntersectionTest {

    private static final String GW = "httproute-hostname-intersection";
    private static final String GW_ALL = "httproute-hostname-intersection-all";
    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-hostname-intersection");
        for (String route : new String[] {"specific-host-matches-listener-specific-host",
                "specific-host-matches-listener-wildcard-host", "wildcard-host-matches-listener-specific-host",
                "wildcard-host-matches-listener-wildcard-host"}) {
            served.routeAccepted(route, GW);
        }
        served.routeAccepted(GW_ALL, GW_ALL);
    }

    static Stream<Expected> intersecting() {
        return Expected.table(
                request("/s1").host("very.specific.com").backend("infra-backend-v1"),
                request("/s1").host("very.specific.com:1234").backend("infra-backend-v1"),
                request("/s1").host("non.matching.com").status(404),
                request("/s1").host("foo.nonmatchingwildcard.io").status(404),
                request("/s1").host("foo.wildcard.io").status(404),
                request("/non-matching-prefix").host("very.specific.com").status(404),
                request("/s2").host("foo.wildcard.io").backend("infra-backend-v2"),
                request("/s2").host("bar.wildcard.io").backend("infra-backend-v2"),
                request("/s2").host("foo.bar.wildcard.io").backend("infra-backend-v2"),
                request("/s2").host("non.matching.com").status(404),
                request("/s2").host("wildcard.io").status(404),
                request("/s2").host("very.specific.com").status(404),
                request("/non-matching-prefix").host("foo.wildcard.io").status(404),
                request("/s3").host("very.specific.com").backend("infra-backend-v3"),
                request("/s3").host("non.matching.com").status(404),
                request("/s3").host("foo.specific.com").status(404),
                request("/s3").host("foo.wildcard.io").status(404),
                request("/non-matching-prefix").host("very.specific.com").status(404),
                request("/s4").host("foo.anotherwildcard.io").backend("infra-backend-v1"),
                request("/s4").host("bar.anotherwildcard.io").backend("infra-backend-v1"),
                request("/s4").host("foo.bar.anotherwildcard.io").backend("infra-backend-v1"),
                request("/s4").host("anotherwildcard.io").status(404),
                request("/s4").host("foo.wildcard.io").status(404),
                request("/s4").host("very.specific.com").status(404),
                request("/non-matching-prefix").host("foo.anotherwildcard.io").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intersecting")
    void routesThatIntersectWithListenerHostnames(Expected row) {
        served.check(served.gateway(GW), row);
    }

    static Stream<Expected> notIntersecting() {
        return Expected.table(
                request("/s5").host("specific.but.wrong.com").status(404),
                request("/s5").host("wildcard.io").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notIntersecting")
    void routesThatDoNotIntersectWithListenerHostnames(Expected row) {
        served.routeCondition(ConformanceEnv.INFRA, "no-intersecting-hosts", GW, "Accepted", false,
                "NoMatchingListenerHostname");
        served.check(served.gateway(GW), row);
    }

    @Test
    void routesAreCountedInAttachedRoutesOnlyIfAccepted() {
        ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus) served.status()
                .get(new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", ConformanceEnv.INFRA, GW)).orElseThrow();
        Map<String, Integer> attached = gw.listeners().stream()
                .collect(Collectors.toMap(ObjectStatus.ListenerStatus::name, ObjectStatus.ListenerStatus::attachedRoutes));
        assertEquals(Map.of("listener-1", 2, "listener-2", 1, "listener-3", 1), attached);
    }

    static Stream<Expected> unspecifiedListenerHostname() {
        return Expected.table(
                request("/").host("first.com").backend("infra-backend-v2"),
                request("/").host("sub.first.com").backend("infra-backend-v2"),
                request("/").host("second.com").backend("infra-backend-v2"),
                request("/").host("sub.second.com").backend("infra-backend-v2"),
                request("/").host("third.com").status(404),
                request("/").host("sub.third.com").status(404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unspecifiedListenerHostname")
    void routesIntersectWithAnUnspecifiedHostnameListener(Expected row) {
        served.check(served.gateway(GW_ALL), row);
    }
}
