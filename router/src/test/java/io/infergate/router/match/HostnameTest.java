package io.infergate.router.match;

import io.infergate.common.snapshot.ListenerRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.infergate.router.match.MatchAssertions.compile;
import static io.infergate.router.match.MatchAssertions.expect;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.parent;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Listener selection, route hostname filtering and hostname specificity. The first three tables
 * replay the upstream Gateway API conformance tests HTTPRouteListenerHostnameMatching,
 * HTTPRouteHostnameIntersection and HTTPRouteMatchingAcrossRoutes.
 */
class HostnameTest {

    private static final ListenerRef[] HI = {parent("hi", "l1"), parent("hi", "l2"), parent("hi", "l3")};

    /** HTTPRouteListenerHostnameMatching: one route per listener, listeners with hostnames only. */
    private static final RouteTable LISTENERS = compile(snapshot(
            List.of(gateway(
                    "lh",
                    listener("l1", 8080, "bar.com"),
                    listener("l2", 8080, "foo.bar.com"),
                    listener("l3", 8080, "*.bar.com"),
                    listener("l4", 8080, "*.foo.com"))),
            List.of(
                    route("v1").parents(parent("lh", "l1")).rule(rule()).build(),
                    route("v2").parents(parent("lh", "l2")).rule(rule()).build(),
                    route("v3")
                            .parents(parent("lh", "l3"), parent("lh", "l4"))
                            .rule(rule())
                            .build()),
            List.of()));

    /** HTTPRouteHostnameIntersection: routes attached to every listener; the router intersects. */
    private static final RouteTable INTERSECTION = compile(snapshot(
            List.of(gateway(
                    "hi",
                    listener("l1", 8080, "very.specific.com"),
                    listener("l2", 8080, "*.wildcard.io"),
                    listener("l3", 8080, "*.anotherwildcard.io"))),
            List.of(
                    route("r1")
                            .parents(HI)
                            .hosts("non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com")
                            .rule(rule(prefix("/s1")))
                            .build(),
                    route("r2")
                            .parents(HI)
                            .hosts(
                                    "non.matching.com",
                                    "wildcard.io",
                                    "foo.wildcard.io",
                                    "bar.wildcard.io",
                                    "foo.bar.wildcard.io")
                            .rule(rule(prefix("/s2")))
                            .build(),
                    route("r3")
                            .parents(HI)
                            .hosts("non.matching.com", "*.specific.com")
                            .rule(rule(prefix("/s3")))
                            .build(),
                    route("r4")
                            .parents(HI)
                            .hosts("*.anotherwildcard.io")
                            .rule(rule(prefix("/s4")))
                            .build()),
            List.of()));

    /** HTTPRouteMatchingAcrossRoutes plus hostname tie-breaks on a listener without a hostname. */
    private static final RouteTable ACROSS = compile(snapshot(
            List.of(gateway("gw", listener("http", 8080))),
            List.of(
                    route("part1")
                            .hosts("example.com", "example.net")
                            .rule(rule(prefix("/"), prefix("/").header("version", "one")))
                            .build(),
                    route("part2")
                            .hosts("*.com")
                            .rule(rule(prefix("/v2"), prefix("/").header("version", "two")))
                            .build(),
                    route("catchall")
                            .created("2020-01-01T00:00:00Z")
                            .rule(rule(prefix("/tie")))
                            .rule(rule(prefix("/fallback")))
                            .build(),
                    route("wild")
                            .hosts("*.example.org")
                            .rule(rule(prefix("/tie")))
                            .build(),
                    route("exact")
                            .hosts("api.example.org")
                            .rule(rule(prefix("/tie")))
                            .build(),
                    route("deep")
                            .hosts("*.api.example.org")
                            .rule(rule(prefix("/tie")))
                            .build()),
            List.of()));

    static Stream<Arguments> listenerRows() {
        return Stream.of(
                arguments("exact listener bar.com", Req.get("bar.com", "/"), "v1/0"),
                arguments(
                        "exact listener foo.bar.com before the *.bar.com wildcard",
                        Req.get("foo.bar.com", "/"),
                        "v2/0"),
                arguments("wildcard listener *.bar.com", Req.get("baz.bar.com", "/"), "v3/0"),
                arguments("wildcard listener again", Req.get("boo.bar.com", "/"), "v3/0"),
                arguments("a wildcard matches several labels", Req.get("multiple.prefixes.bar.com", "/"), "v3/0"),
                arguments(
                        "second wildcard listener of the same route",
                        Req.get("multiple.prefixes.foo.com", "/"),
                        "v3/0"),
                arguments("a wildcard never matches its apex", Req.get("foo.com", "/"), "404"),
                arguments("no listener accepts the host", Req.get("no.matching.host", "/"), "404"),
                arguments("the Host port is ignored", Req.get("bar.com:8080", "/"), "v1/0"),
                arguments("Host comparison ignores case", Req.get("BAR.com", "/"), "v1/0"),
                arguments("a trailing dot on the Host is ignored", Req.get("bar.com.", "/"), "v1/0"),
                arguments(
                        "another socket serves nothing",
                        Req.get("bar.com", "/").on(new SocketKey("127.0.0.1", 9999)),
                        "404"));
    }

    static Stream<Arguments> intersectionRows() {
        return Stream.of(
                arguments("r1 on its exact hostname", Req.get("very.specific.com", "/s1"), "r1/0"),
                arguments("r1 with a port in Host", Req.get("very.specific.com:1234", "/s1"), "r1/0"),
                arguments("r1: hostname outside every listener", Req.get("non.matching.com", "/s1"), "404"),
                arguments(
                        "r1: its wildcard intersects no listener", Req.get("foo.nonmatchingwildcard.io", "/s1"), "404"),
                arguments("r1: not served on the wildcard listener", Req.get("foo.wildcard.io", "/s1"), "404"),
                arguments("r1: path does not match", Req.get("very.specific.com", "/non-matching-prefix"), "404"),
                arguments("r2: exact route host under a wildcard listener", Req.get("foo.wildcard.io", "/s2"), "r2/0"),
                arguments("r2: second exact host", Req.get("bar.wildcard.io", "/s2"), "r2/0"),
                arguments("r2: deeper exact host", Req.get("foo.bar.wildcard.io", "/s2"), "r2/0"),
                arguments("r2: non.matching.com is outside the listener", Req.get("non.matching.com", "/s2"), "404"),
                arguments("r2: the apex wildcard.io is no listener's", Req.get("wildcard.io", "/s2"), "404"),
                arguments("r2: not attached hosts of another listener", Req.get("very.specific.com", "/s2"), "404"),
                arguments("r2: path does not match", Req.get("foo.wildcard.io", "/non-matching-prefix"), "404"),
                arguments(
                        "r3: wildcard route narrowed to the exact listener",
                        Req.get("very.specific.com", "/s3"),
                        "r3/0"),
                arguments("r3: non.matching.com", Req.get("non.matching.com", "/s3"), "404"),
                arguments("r3: foo.specific.com has no listener", Req.get("foo.specific.com", "/s3"), "404"),
                arguments("r3: other listener", Req.get("foo.wildcard.io", "/s3"), "404"),
                arguments(
                        "r4: wildcard route on the same wildcard listener",
                        Req.get("foo.anotherwildcard.io", "/s4"),
                        "r4/0"),
                arguments("r4: another label", Req.get("bar.anotherwildcard.io", "/s4"), "r4/0"),
                arguments("r4: several labels", Req.get("foo.bar.anotherwildcard.io", "/s4"), "r4/0"),
                arguments("r4: apex", Req.get("anotherwildcard.io", "/s4"), "404"),
                arguments("r4: other wildcard listener", Req.get("foo.wildcard.io", "/s4"), "404"),
                arguments("r4: exact listener", Req.get("very.specific.com", "/s4"), "404"));
    }

    static Stream<Arguments> acrossRows() {
        return Stream.of(
                arguments("example.com / goes to part1", Req.get("example.com", "/"), "part1/0"),
                arguments("example.com /example goes to part1", Req.get("example.com", "/example"), "part1/0"),
                arguments("example.net /example goes to part1", Req.get("example.net", "/example"), "part1/0"),
                arguments(
                        "header version=one still part1",
                        Req.get("example.com", "/example").header("Version", "one"),
                        "part1/0"),
                arguments(
                        "longer prefix of the *.com route beats the example.com route's /",
                        Req.get("example.com", "/v2"),
                        "part2/0"),
                arguments("example.net is outside *.com: /v2 stays on part1", Req.get("example.net", "/v2"), "part1/0"),
                arguments("longer prefix below /v2", Req.get("example.com", "/v2/example"), "part2/0"),
                arguments(
                        "a header match of the *.com route beats a bare / of the exact route",
                        Req.get("example.com", "/").header("Version", "two"),
                        "part2/0"),
                arguments(
                        "at equal match precedence the exact hostname beats wildcards and none, despite age",
                        Req.get("api.example.org", "/tie"),
                        "exact/0"),
                arguments("a longer wildcard beats a shorter one", Req.get("x.api.example.org", "/tie"), "deep/0"),
                arguments("a wildcard hostname beats no hostname", Req.get("www.example.org", "/tie"), "wild/0"),
                arguments("without hostnames the route serves every Host", Req.get("other.test", "/tie"), "catchall/0"),
                arguments(
                        "less specific hostnames are consulted when the exact host's rules do not match",
                        Req.get("api.example.org", "/fallback"),
                        "catchall/1"),
                arguments(
                        "no rule of any route serving the host matches",
                        Req.get("api.example.org", "/nothing"),
                        "404"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listenerRows")
    void listenerSelection(String reason, Req request, String expected) {
        expect(LISTENERS, request, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intersectionRows")
    void routeHostnameIntersection(String reason, Req request, String expected) {
        expect(INTERSECTION, request, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acrossRows")
    void matchingAcrossRoutes(String reason, Req request, String expected) {
        expect(ACROSS, request, expected);
    }
}
