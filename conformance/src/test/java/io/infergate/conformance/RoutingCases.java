package io.infergate.conformance;

import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.infergate.conformance.Expected.Listener.PORT_8080;
import static io.infergate.conformance.Expected.Listener.PORT_8090;
import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table, part one: request matching, hostnames, listeners and Gateways (upstream
 * {@code conformance/tests/httproute-*.go} and {@code gateway-http-listener-isolation.go}).
 * Each entry says in a comment what its upstream test proves.
 */
final class RoutingCases {

    private static final String INTERSECTION = "httproute-hostname-intersection";
    private static final String INTERSECTION_ALL = "httproute-hostname-intersection-all";

    private RoutingCases() {}

    static List<UpstreamTest> all() {
        return List.of(
                // A route without matches sends every request to its backend.
                upstream("HTTPRouteSimpleSameNamespace", "httproute-simple-same-namespace")
                        .accepted("gateway-conformance-infra-test", "same-namespace")
                        .check(
                                "simple HTTP request should reach infra-backend",
                                s -> s.check("same-namespace", request("/").backend("infra-backend-v1"))),

                // Path prefixes and a header match in one route; prefixes match whole path elements.
                upstream("HTTPRouteMatching", "httproute-matching")
                        .accepted("matching", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/").backend("infra-backend-v1"),
                                request("/example").backend("infra-backend-v1"),
                                request("/").header("Version", "one").backend("infra-backend-v1"),
                                request("/v2").backend("infra-backend-v2"),
                                request("/v2/example").backend("infra-backend-v2"),
                                request("/").header("Version", "two").backend("infra-backend-v2"),
                                request("/v2/").backend("infra-backend-v2"),
                                request("/v2example").backend("infra-backend-v1"),
                                request("/foo/v2/example").backend("infra-backend-v1")),

                // Precedence across two routes with different hostnames (docs/adr/0002: hostname
                // specificity is a tie-break, so the longer match of the other route wins).
                upstream("HTTPRouteMatchingAcrossRoutes", "httproute-matching-across-routes")
                        .accepted("matching-part1", "same-namespace")
                        .accepted("matching-part2", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/").host("example.com").backend("infra-backend-v1"),
                                request("/example").host("example.com").backend("infra-backend-v1"),
                                request("/example").host("example.net").backend("infra-backend-v1"),
                                request("/example")
                                        .host("example.com")
                                        .header("Version", "one")
                                        .backend("infra-backend-v1"),
                                request("/v2").host("example.com").backend("infra-backend-v2"),
                                request("/v2").host("example.net").backend("infra-backend-v1"),
                                request("/v2/example").host("example.com").backend("infra-backend-v2"),
                                request("/")
                                        .host("example.com")
                                        .header("Version", "two")
                                        .backend("infra-backend-v2")),

                // Exact paths are case-sensitive and match nothing longer, not even a trailing slash.
                upstream("HTTPRouteExactPathMatching", "httproute-exact-path-matching")
                        .accepted("exact-matching", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/one").backend("infra-backend-v1"),
                                request("/two").backend("infra-backend-v2"),
                                request("/").status(404),
                                request("/one/example").status(404),
                                request("/two/").status(404),
                                request("/Two").status(404)),

                // Exact before the longest PathPrefix, whatever the rule order.
                upstream("HTTPRoutePathMatchOrder", "httproute-path-match-order")
                        .accepted("path-matching-order", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/match/exact/one").backend("infra-backend-v3"),
                                request("/match/exact").backend("infra-backend-v2"),
                                request("/match").backend("infra-backend-v1"),
                                request("/match/prefix/one/any").backend("infra-backend-v2"),
                                request("/match/prefix/any").backend("infra-backend-v1"),
                                request("/match/any").backend("infra-backend-v3")),

                // Exact and regular-expression header matches, ANDed within a match.
                upstream("HTTPRouteHeaderMatching", "httproute-header-matching")
                        .accepted("header-matching", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/").header("Version", "one").backend("infra-backend-v1"),
                                request("/").header("Version", "two").backend("infra-backend-v2"),
                                request("/")
                                        .header("Version", "two")
                                        .header("Color", "orange")
                                        .backend("infra-backend-v1"),
                                request("/")
                                        .header("Version", "two")
                                        .header("Color", "blue")
                                        .backend("infra-backend-v2"),
                                request("/").header("Color", "orange").status(404),
                                request("/").header("Some-Other-Header", "one").status(404),
                                request("/").header("Color", "blue").backend("infra-backend-v1"),
                                request("/").header("Color", "green").backend("infra-backend-v1"),
                                request("/").header("Color", "red").backend("infra-backend-v2"),
                                request("/").header("Color", "yellow").backend("infra-backend-v2"),
                                request("/").header("Color", "purple").status(404)),

                // Query parameter matches (names case-sensitive), and their precedence against
                // path and header matches.
                upstream("HTTPRouteQueryParamMatching", "httproute-query-param-matching")
                        .accepted("query-param-matching", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/?animal=whale").backend("infra-backend-v1"),
                                request("/?animal=dolphin").backend("infra-backend-v2"),
                                request("/?animal=dolphin&color=blue").backend("infra-backend-v3"),
                                request("/?ANIMAL=Whale").backend("infra-backend-v3"),
                                request("/?animal=whale&otherparam=irrelevant").backend("infra-backend-v1"),
                                request("/?animal=dolphin&color=yellow").backend("infra-backend-v2"),
                                request("/?color=blue").status(404),
                                request("/?animal=dog").status(404),
                                request("/?animal=whaledolphin").status(404),
                                request("/").status(404),
                                request("/path1?animal=whale").backend("infra-backend-v1"),
                                request("/?animal=whale")
                                        .header("version", "one")
                                        .backend("infra-backend-v2"),
                                request("/path2?animal=whale")
                                        .header("version", "two")
                                        .backend("infra-backend-v3"),
                                request("/path3?animal=shark").backend("infra-backend-v1"),
                                request("/path4?animal=kraken")
                                        .header("version", "three")
                                        .backend("infra-backend-v1"),
                                request("/?animal=shark").status(404),
                                request("/path4?animal=kraken").status(404),
                                request("/path5?animal=hydra").backend("infra-backend-v1"),
                                request("/?animal=hydra")
                                        .header("version", "four")
                                        .backend("infra-backend-v3")),

                // Method matches, and their precedence against path and header matches.
                upstream("HTTPRouteMethodMatching", "httproute-method-matching")
                        .accepted("method-matching", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/").method("POST").backend("infra-backend-v1"),
                                request("/").method("GET").backend("infra-backend-v2"),
                                request("/").method("HEAD").status(404),
                                request("/path1").method("GET").backend("infra-backend-v1"),
                                request("/")
                                        .method("PUT")
                                        .header("version", "one")
                                        .backend("infra-backend-v2"),
                                request("/path2")
                                        .method("POST")
                                        .header("version", "two")
                                        .backend("infra-backend-v3"),
                                request("/path3").method("PATCH").backend("infra-backend-v1"),
                                request("/path4")
                                        .method("DELETE")
                                        .header("version", "three")
                                        .backend("infra-backend-v1"),
                                request("/").method("PUT").status(404),
                                request("/path4").method("DELETE").status(404),
                                request("/path5").method("PATCH").backend("infra-backend-v1"),
                                request("/")
                                        .method("PATCH")
                                        .header("version", "four")
                                        .backend("infra-backend-v2")),

                // Route hostnames intersected with listener hostnames (wildcards over one or more
                // labels, never the apex; the Host's port ignored); a route intersecting no listener
                // is not accepted (NoMatchingListenerHostname) and serves nothing; attachedRoutes
                // counts only accepted routes; a listener without a hostname takes the route's
                // hostnames as they are.
                upstream("HTTPRouteHostnameIntersection", "httproute-hostname-intersection")
                        .accepted("specific-host-matches-listener-specific-host", INTERSECTION)
                        .accepted("specific-host-matches-listener-wildcard-host", INTERSECTION)
                        .accepted("wildcard-host-matches-listener-specific-host", INTERSECTION)
                        .accepted("wildcard-host-matches-listener-wildcard-host", INTERSECTION)
                        .accepted(INTERSECTION_ALL, INTERSECTION_ALL)
                        .rows(
                                "HTTPRoutes that do intersect with listener hostnames",
                                INTERSECTION,
                                request("/s1").host("very.specific.com").backend("infra-backend-v1"),
                                request("/s1").host("very.specific.com:1234").backend("infra-backend-v1"),
                                request("/s1").host("non.matching.com").status(404),
                                request("/s1")
                                        .host("foo.nonmatchingwildcard.io")
                                        .status(404),
                                request("/s1").host("foo.wildcard.io").status(404),
                                request("/non-matching-prefix")
                                        .host("very.specific.com")
                                        .status(404),
                                request("/s2").host("foo.wildcard.io").backend("infra-backend-v2"),
                                request("/s2").host("bar.wildcard.io").backend("infra-backend-v2"),
                                request("/s2").host("foo.bar.wildcard.io").backend("infra-backend-v2"),
                                request("/s2").host("non.matching.com").status(404),
                                request("/s2").host("wildcard.io").status(404),
                                request("/s2").host("very.specific.com").status(404),
                                request("/non-matching-prefix")
                                        .host("foo.wildcard.io")
                                        .status(404),
                                request("/s3").host("very.specific.com").backend("infra-backend-v3"),
                                request("/s3").host("non.matching.com").status(404),
                                request("/s3").host("foo.specific.com").status(404),
                                request("/s3").host("foo.wildcard.io").status(404),
                                request("/non-matching-prefix")
                                        .host("very.specific.com")
                                        .status(404),
                                request("/s4").host("foo.anotherwildcard.io").backend("infra-backend-v1"),
                                request("/s4").host("bar.anotherwildcard.io").backend("infra-backend-v1"),
                                request("/s4")
                                        .host("foo.bar.anotherwildcard.io")
                                        .backend("infra-backend-v1"),
                                request("/s4").host("anotherwildcard.io").status(404),
                                request("/s4").host("foo.wildcard.io").status(404),
                                request("/s4").host("very.specific.com").status(404),
                                request("/non-matching-prefix")
                                        .host("foo.anotherwildcard.io")
                                        .status(404))
                        .rows(
                                "HTTPRoutes that do not intersect with listener hostnames",
                                INTERSECTION,
                                (s, row) -> s.routeCondition(
                                        ConformanceEnv.INFRA,
                                        "no-intersecting-hosts",
                                        INTERSECTION,
                                        "Accepted",
                                        false,
                                        "NoMatchingListenerHostname"),
                                request("/s5").host("specific.but.wrong.com").status(404),
                                request("/s5").host("wildcard.io").status(404))
                        .check("HTTPRoutes are counted in attachedRoutes only if accepted", s -> {
                            ObjectStatus.GatewayStatus gw = (ObjectStatus.GatewayStatus) s.status()
                                    .get(new ObjectKey(
                                            "gateway.networking.k8s.io/v1",
                                            "Gateway",
                                            ConformanceEnv.INFRA,
                                            INTERSECTION))
                                    .orElseThrow();
                            assertEquals(
                                    Map.of("listener-1", 2, "listener-2", 1, "listener-3", 1),
                                    gw.listeners().stream()
                                            .collect(Collectors.toMap(
                                                    ObjectStatus.ListenerStatus::name,
                                                    ObjectStatus.ListenerStatus::attachedRoutes)));
                        })
                        .rows(
                                "HTTPRoutes intersect with an unspecified hostname listener",
                                INTERSECTION_ALL,
                                request("/").host("first.com").backend("infra-backend-v2"),
                                request("/").host("sub.first.com").backend("infra-backend-v2"),
                                request("/").host("second.com").backend("infra-backend-v2"),
                                request("/").host("sub.second.com").backend("infra-backend-v2"),
                                request("/").host("third.com").status(404),
                                request("/").host("sub.third.com").status(404)),

                // Listener isolation: a request uses only the routes of the one listener it
                // matches, exact hostname before wildcard.
                upstream("HTTPRouteListenerHostnameMatching", "httproute-listener-hostname-matching")
                        .accepted("backend-v1", "httproute-listener-hostname-matching")
                        .accepted("backend-v2", "httproute-listener-hostname-matching")
                        .accepted("backend-v3", "httproute-listener-hostname-matching")
                        .rows(
                                "httproute-listener-hostname-matching",
                                request("/").host("bar.com").backend("infra-backend-v1"),
                                request("/").host("foo.bar.com").backend("infra-backend-v2"),
                                request("/").host("baz.bar.com").backend("infra-backend-v3"),
                                request("/").host("boo.bar.com").backend("infra-backend-v3"),
                                request("/").host("multiple.prefixes.bar.com").backend("infra-backend-v3"),
                                request("/").host("multiple.prefixes.foo.com").backend("infra-backend-v3"),
                                request("/").host("foo.com").status(404),
                                request("/").host("no.matching.host").status(404)),

                // Extended SupportHTTPRouteParentRefPort: parentRef port attaches a route to the
                // listeners on that port, and with sectionName to that listener only. Each request
                // goes to the listener port its Host names; the Host's port is ignored for matching.
                upstream("HTTPRouteListenerPortMatching", "httproute-listener-port-matching")
                        .accepted("backend-v1", "httproute-listener-port-matching")
                        .accepted("backend-v2", "httproute-listener-port-matching")
                        .accepted("backend-v3", "httproute-listener-port-matching")
                        .rows(
                                "httproute-listener-port-matching",
                                request("/").host("foo.com").backend("infra-backend-v1"),
                                request("/").host("foo.com:8080").on(PORT_8080).backend("infra-backend-v2"),
                                request("/").host("bar.com:8080").on(PORT_8080).backend("infra-backend-v2"),
                                request("/").host("foo.com:8090").on(PORT_8090).backend("infra-backend-v3"),
                                request("/").host("bar.com:8090").on(PORT_8090).status(404)),

                // Four listeners on one port (none, *.example.com, *.foo.example.com,
                // abc.foo.example.com); a request uses only the routes of the most specific listener
                // its Host matches. Once with the hostnames on the listeners only, once with
                // intersecting hostnames on the routes too.
                upstream("GatewayHTTPListenerIsolation", "gateway-http-listener-isolation")
                        .accepted("attaches-to-empty-hostname", "http-listener-isolation")
                        .accepted("attaches-to-wildcard-example-com", "http-listener-isolation")
                        .accepted("attaches-to-wildcard-foo-example-com", "http-listener-isolation")
                        .accepted("attaches-to-abc-foo-example-com", "http-listener-isolation")
                        .accepted(
                                "attaches-to-empty-hostname-with-hostname-intersection",
                                "http-listener-isolation-with-hostname-intersection")
                        .accepted(
                                "attaches-to-wildcard-example-com-with-hostname-intersection",
                                "http-listener-isolation-with-hostname-intersection")
                        .accepted(
                                "attaches-to-wildcard-foo-example-com-with-hostname-intersection",
                                "http-listener-isolation-with-hostname-intersection")
                        .accepted(
                                "attaches-to-abc-foo-example-com-with-hostname-intersection",
                                "http-listener-isolation-with-hostname-intersection")
                        .rows("hostnames are configured only in listeners", "http-listener-isolation", isolationRows())
                        .rows(
                                "intersecting hostnames are configured in listeners and HTTPRoutes",
                                "http-listener-isolation-with-hostname-intersection",
                                isolationRows()),

                // One route attached to two Gateways serves on both, and each Gateway's dedicated
                // route only on its own Gateway (the Gateways share a port, kept apart by address).
                upstream("HTTPRouteMultipleGateways", "httproute-multiple-gateways")
                        .accepted("multiple-gateways-shared-route", "same-namespace")
                        .accepted("multiple-gateways-shared-route", "all-namespaces")
                        .accepted("same-namespace-dedicated-route", "same-namespace")
                        .accepted("all-namespaces-dedicated-route", "all-namespaces")
                        .check("gateway same-namespace", s -> {
                            s.check("same-namespace", request("/shared").backend("infra-backend-v1"));
                            s.check("same-namespace", request("/").backend("infra-backend-v2"));
                        })
                        .check("gateway all-namespaces", s -> {
                            s.check("all-namespaces", request("/shared").backend("infra-backend-v1"));
                            s.check("all-namespaces", request("/").backend("infra-backend-v3"));
                        }),

                // A route in gateway-conformance-web-backend attaches to the Gateway
                // backend-namespaces, whose listener admits namespaces labelled
                // gateway-conformance: backend, and reaches web-backend.
                upstream("HTTPRouteCrossNamespace", "httproute-cross-namespace")
                        .condition(
                                ConformanceEnv.WEB_BACKEND,
                                "cross-namespace",
                                "backend-namespaces",
                                "Accepted",
                                true,
                                "Accepted")
                        .condition(
                                ConformanceEnv.WEB_BACKEND,
                                "cross-namespace",
                                "backend-namespaces",
                                "ResolvedRefs",
                                true,
                                "ResolvedRefs")
                        .check(
                                "simple HTTP request should reach web-backend",
                                s -> s.check(
                                        "backend-namespaces",
                                        request("/").backend("web-backend").namespace(ConformanceEnv.WEB_BACKEND))),

                // Extended SupportHTTPRouteNamedRouteRule: named and unnamed rules both serve.
                // Upstream checks the status only; the backends are checked here too.
                upstream("HTTPRouteNamedRule", "httproute-named-rule")
                        .accepted("http-named-rules", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/named").backend("infra-backend-v1"),
                                request("/unnamed").backend("infra-backend-v2")),

                // The row local mode can run: a headless Service (clusterIP: None) with a selector
                // reaches its Pods. The rows for selector-less Services with manual EndpointSlices
                // need cluster mode (local mode selects Pods by the Service's selector); the
                // translator's EndpointSliceBackendsTest covers them. They are not run here.
                upstream("HTTPRouteServiceTypes", "httproute-service-types")
                        .accepted("service-types", "same-namespace")
                        .check(
                                "headless Service reaches its Pods",
                                s -> s.check(
                                        "same-namespace", request("/headless").backend("infra-backend-v1"))));
    }

    private static Expected[] isolationRows() {
        return new Expected[] {
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
            request("/abc-foo-example-com").host("abc.foo.example.com").backend("infra-backend-v1"),
        };
    }
}
