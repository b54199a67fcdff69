package io.infergate.conformance;

import io.infergate.common.gatewayapi.Hostnames;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.router.match.HostHeader;
import io.infergate.router.match.MatchResult;
import io.infergate.router.match.RequestFacts;
import io.infergate.router.match.RouteTable;
import io.infergate.router.match.RouteTableCompiler;
import io.infergate.router.match.SocketKey;
import io.infergate.router.match.Values;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The controller and the router apply one hostname rule: a route the controller accepts on a
 * listener is one the router serves for some Host, and the other way round. Both call sites get
 * the same seeded random hostnames (exact and wildcard, mixed case, unrelated and near names)
 * and must agree with a reference written independently, over whole labels instead of string
 * suffixes, straight from the Gateway API text: "*.example.com" matches one or more labels in
 * front of example.com and never example.com itself. The controller's call site is its
 * route-attachment check; the router's is its compiled route table, asked whether a Host is served.
 */
class HostnameAgreementTest {

    private static final String[] LABELS = {"a", "b", "ab", "example", "com", "io", "x-y"};
    private static final int ITERATIONS = 200_000;

    @Test
    void controllerAndRouterAgreeWithTheReferenceOnRandomHostnames() {
        Random random = new Random(20261204L);
        int intersecting = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String listener = hostname(random);
            String route = random.nextBoolean() ? hostname(random) : related(listener, random);
            Optional<String> expected = Reference.intersection(listener, route);
            String what = "listener " + listener + ", route " + route;
            // the router compiles the hosts a route serves on a listener with this call
            assertEquals(expected, Hostnames.intersection(Optional.of(listener), route), "intersection: " + what);
            // the controller accepts a route on a listener (or says NoMatchingListenerHostname) with this call
            assertEquals(
                    expected.isPresent(),
                    Hostnames.routeMatchesListener(List.of(route), Optional.of(listener)),
                    "controller: " + what);
            assertEquals(expected, Hostnames.intersection(route, listener), "symmetric: " + what);
            String host = exactHost(random);
            assertEquals(
                    Reference.matches(listener, host),
                    Hostnames.matches(listener, host),
                    "request match: " + listener + " vs Host " + host);
            if (expected.isPresent()) {
                intersecting++;
            }
        }
        // the generator must exercise both answers, or agreement proves little
        assertEquals(
                true,
                intersecting > ITERATIONS / 20 && intersecting < ITERATIONS * 19 / 20,
                intersecting + " of " + ITERATIONS + " pairs intersect");
    }

    @Test
    void theRouterServesAHostExactlyWhenTheControllerAcceptsTheRoute() {
        Random random = new Random(4242L);
        for (int i = 0; i < 5_000; i++) {
            String listener = hostname(random);
            String route = random.nextBoolean() ? hostname(random) : related(listener, random);
            RouteTable table = compile(listener, route);
            String what = "listener " + listener + ", route " + route;
            boolean accepted = Hostnames.routeMatchesListener(List.of(route), Optional.of(listener));
            Optional<String> both = Reference.intersection(listener, route);
            assertEquals(both.isPresent(), accepted, "controller: " + what);
            if (both.isPresent()) {
                // a Host in the intersection: replace the wildcard label by a concrete one
                String host = both.get().startsWith("*.") ? "z." + both.get().substring(2) : both.get();
                assertEquals(true, served(table, host), "router must serve " + host + " for " + what);
            }
            for (int h = 0; h < 4; h++) {
                String host = random.nextBoolean()
                        ? exactHost(random)
                        : related(listener, random).replace("*.", "q.");
                boolean expected = Reference.matches(listener, host) && Reference.matches(route, host);
                assertEquals(expected, served(table, host), "router, Host " + host + ", " + what);
            }
        }
    }

    /** A snapshot with one Gateway, one listener with {@code listenerHostname}, one route with {@code routeHostname}. */
    private static RouteTable compile(String listenerHostname, String routeHostname) {
        String gateway = Gateway.idOf("default", "gw");
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(
                        gateway,
                        "default",
                        "gw",
                        List.of(),
                        List.of(new Listener("http", 8080, Listener.Protocol.HTTP, Optional.of(listenerHostname))))),
                List.of(new HttpRoute(
                        HttpRoute.idOf("default", "r"),
                        "default",
                        "r",
                        "2026-01-01T00:00:00Z",
                        List.of(routeHostname),
                        List.of(new ListenerRef(gateway, "http")),
                        List.of(new Rule(
                                "httproute/default/r/rule/0",
                                List.of(Match.defaultMatch()),
                                List.of(),
                                List.of(),
                                Timeouts.NONE)))),
                List.of(),
                List.of());
        return switch (RouteTableCompiler.compile(snapshot, "127.0.0.1")) {
            case RouteTableCompiler.Result.Compiled c -> c.table();
            case RouteTableCompiler.Result.Rejected r ->
                throw new AssertionError(r.violations().toString());
        };
    }

    private static boolean served(RouteTable table, String host) {
        RequestFacts request = new RequestFacts(
                new SocketKey("127.0.0.1", 8080),
                HostHeader.normalize(host),
                "GET",
                "/",
                Values.of(java.util.Map.of()),
                Values.ofHeaders(java.util.Map.of()));
        return table.match(request) instanceof MatchResult.Matched;
    }

    @Test
    void aListenerWithoutHostnameTakesTheRouteHostnameAsItIs() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String route = hostname(random);
            assertEquals(
                    Optional.of(route.toLowerCase(Locale.ROOT)),
                    Hostnames.intersection(Optional.empty(), route),
                    route);
            assertEquals(true, Hostnames.routeMatchesListener(List.of(route), Optional.empty()), route);
        }
    }

    /** 1 to 4 labels from a small alphabet (so suffixes collide often), a wildcard one time in three, random case. */
    private static String hostname(Random random) {
        String name = exactHost(random);
        return random.nextInt(3) == 0 ? "*." + name : name;
    }

    /** A name near {@code name}: one label more or less in front, the wildcard toggled, or the case changed. */
    private static String related(String name, Random random) {
        String bare = name.startsWith("*.") ? name.substring(2) : name;
        String near = switch (random.nextInt(4)) {
            case 0 -> LABELS[random.nextInt(LABELS.length)] + "." + bare;
            case 1 -> bare.contains(".") ? bare.substring(bare.indexOf('.') + 1) : bare;
            case 2 -> bare;
            default -> bare.toUpperCase(Locale.ROOT);
        };
        return random.nextBoolean() ? "*." + near : near;
    }

    private static String exactHost(Random random) {
        int n = 1 + random.nextInt(4);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String label = LABELS[random.nextInt(LABELS.length)];
            labels.add(random.nextInt(8) == 0 ? label.toUpperCase(Locale.ROOT) : label);
        }
        return String.join(".", labels);
    }

    /** The rule over label lists: the reference both implementations are held to. */
    private static final class Reference {

        /** Whether the pattern matches the exact host. */
        static boolean matches(String pattern, String host) {
            List<String> p = labels(pattern);
            List<String> h = labels(host);
            if (!p.getFirst().equals("*")) {
                return p.equals(h);
            }
            List<String> suffix = p.subList(1, p.size());
            return h.size() > suffix.size()
                    && h.subList(h.size() - suffix.size(), h.size()).equals(suffix);
        }

        /** The narrower name when one contains the other, lower case; empty when no host matches both. */
        static Optional<String> intersection(String a, String b) {
            String x = a.toLowerCase(Locale.ROOT);
            String y = b.toLowerCase(Locale.ROOT);
            boolean wx = x.startsWith("*.");
            boolean wy = y.startsWith("*.");
            if (!wx && !wy) {
                return x.equals(y) ? Optional.of(x) : Optional.empty();
            }
            if (wx && !wy) {
                return matches(x, y) ? Optional.of(y) : Optional.empty();
            }
            if (!wx) {
                return matches(y, x) ? Optional.of(x) : Optional.empty();
            }
            // Two wildcards: every host of the one with more labels is a host of the other exactly
            // when its suffix labels end with the other's suffix labels.
            List<String> lx = labels(x).subList(1, labels(x).size());
            List<String> ly = labels(y).subList(1, labels(y).size());
            if (lx.size() >= ly.size()
                    && lx.subList(lx.size() - ly.size(), lx.size()).equals(ly)) {
                return Optional.of(x);
            }
            if (ly.size() > lx.size()
                    && ly.subList(ly.size() - lx.size(), ly.size()).equals(lx)) {
                return Optional.of(y);
            }
            return Optional.empty();
        }

        private static List<String> labels(String name) {
            return Arrays.asList(name.toLowerCase(Locale.ROOT).split("\\.", -1));
        }
    }
}
