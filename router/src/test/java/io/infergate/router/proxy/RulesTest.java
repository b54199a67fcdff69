package io.infergate.router.proxy;

import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.router.match.PathCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The pure parts of the proxy: rewrites, redirects, weights, hop-by-hop headers, timeouts. */
class RulesTest {

    private static Filter.PathModifier prefixTo(String v) {
        return new Filter.PathModifier(Filter.PathModifier.Type.REPLACE_PREFIX_MATCH, v);
    }

    static Stream<Arguments> rewrites() {
        return Stream.of(
                arguments("prefix /foo → /xyz keeps the rest", "/foo", prefixTo("/xyz"), "/foo/bar", "/xyz/bar"),
                arguments("the prefix itself becomes the replacement", "/foo", prefixTo("/xyz"), "/foo", "/xyz"),
                arguments("replacement / drops the prefix", "/foo", prefixTo("/"), "/foo/bar", "/bar"),
                arguments("replacement / on the prefix itself is /", "/foo", prefixTo("/"), "/foo", "/"),
                arguments(
                        "trailing slashes on either side collapse", "/foo/", prefixTo("/xyz/"), "/foo/bar", "/xyz/bar"),
                // the HTTPPathModifier table of the spec, row by row
                arguments("spec: /foo/bar, /foo → /xyz/", "/foo", prefixTo("/xyz/"), "/foo/bar", "/xyz/bar"),
                arguments("spec: /foo/bar, /foo/ → /xyz", "/foo/", prefixTo("/xyz"), "/foo/bar", "/xyz/bar"),
                arguments("spec: /foo/, /foo → /xyz keeps the slash", "/foo", prefixTo("/xyz"), "/foo/", "/xyz/"),
                arguments("spec: /foo/bar, /foo → empty", "/foo", prefixTo(""), "/foo/bar", "/bar"),
                arguments("spec: /foo/, /foo → empty", "/foo", prefixTo(""), "/foo/", "/"),
                arguments("spec: /foo, /foo → empty", "/foo", prefixTo(""), "/foo", "/"),
                arguments("spec: /foo/, /foo → /", "/foo", prefixTo("/"), "/foo/", "/"),
                arguments(
                        "full path replacement ignores the match",
                        "/foo",
                        new Filter.PathModifier(Filter.PathModifier.Type.REPLACE_FULL_PATH, "/all"),
                        "/foo/bar",
                        "/all"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void pathRewrites(String reason, String prefix, Filter.PathModifier modifier, String path, String expected) {
        assertEquals(expected, Rewrites.path(modifier, PathCondition.Prefix.of(prefix), path));
    }

    static Stream<Arguments> redirects() {
        return Stream.of(
                arguments(
                        "hostname only: listener port kept",
                        new Filter.RequestRedirect(
                                Optional.empty(), Optional.of("b.test"), Optional.empty(), Optional.empty(), 302),
                        "http://b.test:8080/p/x?q=1"),
                arguments(
                        "scheme https: its well-known port, left out",
                        new Filter.RequestRedirect(
                                Optional.of("https"), Optional.empty(), Optional.empty(), Optional.empty(), 301),
                        "https://a.test/p/x?q=1"),
                arguments(
                        "explicit port 80 on http is left out",
                        new Filter.RequestRedirect(
                                Optional.empty(), Optional.empty(), Optional.of(80), Optional.empty(), 301),
                        "http://a.test/p/x?q=1"),
                arguments(
                        "explicit other port is kept",
                        new Filter.RequestRedirect(
                                Optional.of("https"), Optional.empty(), Optional.of(8443), Optional.empty(), 301),
                        "https://a.test:8443/p/x?q=1"),
                arguments(
                        "path prefix replaced",
                        new Filter.RequestRedirect(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(prefixTo("/new")),
                                301),
                        "http://a.test:8080/new/x?q=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redirects")
    void redirectLocations(String reason, Filter.RequestRedirect redirect, String expected) {
        assertEquals(
                expected, Rewrites.location(redirect, "a.test", 8080, PathCondition.Prefix.of("/p"), "/p/x", "q=1"));
    }

    @Test
    void onAnHttpsListenerAnUnsetSchemeStaysHttps() {
        Filter.RequestRedirect hostOnly = new Filter.RequestRedirect(
                Optional.empty(), Optional.of("b.test"), Optional.empty(), Optional.empty(), 302);
        PathCondition p = PathCondition.Prefix.of("/p");
        assertEquals("https://b.test/p/x", Rewrites.location(hostOnly, "https", "a.test", 443, p, "/p/x", ""));
        assertEquals("https://b.test:8443/p/x", Rewrites.location(hostOnly, "https", "a.test", 8443, p, "/p/x", ""));
        Filter.RequestRedirect toHttp = new Filter.RequestRedirect(
                Optional.of("http"), Optional.empty(), Optional.empty(), Optional.empty(), 302);
        assertEquals("http://a.test/p/x", Rewrites.location(toHttp, "https", "a.test", 443, p, "/p/x", ""));
    }

    @Test
    void weightsShareTrafficAndZeroNeverWins() {
        List<BackendRef> refs = List.of(
                new BackendRef(Optional.of("a"), 3, List.of()),
                new BackendRef(Optional.of("b"), 1, List.of()),
                new BackendRef(Optional.of("zero"), 0, List.of()));
        Random random = new Random(1);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            var chosen = assertInstanceOf(BackendChoice.Result.Chosen.class, BackendChoice.choose(refs, random));
            counts.merge(chosen.ref().backend().orElseThrow(), 1, Integer::sum);
        }
        assertEquals(null, counts.get("zero"));
        // 3:1 → about 3000:1000 (seeded)
        assertTrue(counts.get("a") > 2800 && counts.get("b") > 800, counts.toString());
        assertInstanceOf(
                BackendChoice.Result.AllZeroWeight.class,
                BackendChoice.choose(List.of(new BackendRef(Optional.of("a"), 0, List.of())), random));
        assertInstanceOf(BackendChoice.Result.NoBackendRefs.class, BackendChoice.choose(List.of(), random));
    }

    static Stream<Arguments> hopByHop() {
        return Stream.of(
                arguments("connection", null, true),
                arguments("Keep-Alive", null, true),
                arguments("TE", null, true),
                arguments("trailer", null, true),
                arguments("Transfer-Encoding", null, true),
                arguments("upgrade", null, true),
                arguments("Proxy-Authorization", null, true),
                arguments("content-length", null, true),
                arguments("x-named-by-connection", "close, X-Named-By-Connection", true),
                arguments("authorization", null, false),
                arguments("content-type", null, false),
                arguments("x-request-id", "close", false));
    }

    @ParameterizedTest(name = "{0} (Connection: {1}) dropped: {2}")
    @MethodSource("hopByHop")
    void hopByHopHeaders(String name, String connection, boolean dropped) {
        assertEquals(dropped, HopByHop.drop(name, connection));
    }

    @Test
    void mirrorsFireForTheirShare() {
        Random random = new Random(7);
        Filter.RequestMirror all = new Filter.RequestMirror(Optional.of("m"), 100, 100);
        Filter.RequestMirror none = new Filter.RequestMirror(Optional.of("m"), 0, 100);
        Filter.RequestMirror fifth = new Filter.RequestMirror(Optional.of("m"), 1, 5);
        int fired = 0;
        for (int i = 0; i < 10_000; i++) {
            assertTrue(Mirrors.fires(all, random));
            assertTrue(!Mirrors.fires(none, random));
            fired += Mirrors.fires(fifth, random) ? 1 : 0;
        }
        // 1/5 of 10,000 = 2,000 (seeded; ±10 %)
        assertTrue(fired > 1800 && fired < 2200, "fired " + fired);
    }

    @Test
    void requestCountsFromArrivalAndBackendRequestFromTheAttempt() {
        long ms = 1_000_000;
        Timeouts both = new Timeouts(Optional.of(Duration.ofMillis(100)), Optional.of(Duration.ofMillis(50)));
        // arrival at 0, attempt at 10 ms: backendRequest ends at 60 ms, before request's 100 ms
        assertEquals(60 * ms, Exchange.deadline(both, 0, 10 * ms));
        // attempt at 70 ms (a slow body): request's 100 ms comes first
        assertEquals(100 * ms, Exchange.deadline(both, 0, 70 * ms));
        assertEquals(Long.MAX_VALUE, Exchange.deadline(Timeouts.NONE, 0, 10 * ms));
    }

    @Test
    void theShorterRouteTimeoutBoundsTheAttempt() {
        Duration s1 = Duration.ofSeconds(1);
        Duration s2 = Duration.ofSeconds(2);
        assertEquals(Optional.of(s1), Exchange.routeTimeout(new Timeouts(Optional.of(s2), Optional.of(s1))));
        assertEquals(Optional.of(s1), Exchange.routeTimeout(new Timeouts(Optional.of(s1), Optional.of(s2))));
        assertEquals(Optional.of(s2), Exchange.routeTimeout(new Timeouts(Optional.empty(), Optional.of(s2))));
        assertEquals(Optional.empty(), Exchange.routeTimeout(Timeouts.NONE));
    }
}
