package io.infergate.conformance;

import io.infergate.common.gatewayapi.Hostnames;
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
 * front of example.com and never example.com itself.
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
            assertEquals(expected, io.infergate.router.match.Hostnames.intersect(Optional.of(listener), route),
                    "router: " + what);
            // the controller accepts a route on a listener (or says NoMatchingListenerHostname) with this call
            assertEquals(expected.isPresent(), Hostnames.routeMatchesListener(List.of(route), Optional.of(listener)),
                    "controller: " + what);
            assertEquals(expected, Hostnames.intersection(route, listener), "symmetric: " + what);
            String host = exactHost(random);
            assertEquals(Reference.matches(listener, host), io.infergate.router.match.Hostnames.matches(listener, host),
                    "router request match: " + listener + " vs Host " + host);
            if (expected.isPresent()) {
                intersecting++;
            }
        }
        // the generator must exercise both answers, or agreement proves little
        assertEquals(true, intersecting > ITERATIONS / 20 && intersecting < ITERATIONS * 19 / 20,
                intersecting + " of " + ITERATIONS + " pairs intersect");
    }

    @Test
    void aListenerWithoutHostnameTakesTheRouteHostnameAsItIs() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String route = hostname(random);
            assertEquals(Optional.of(route.toLowerCase(Locale.ROOT)),
                    io.infergate.router.match.Hostnames.intersect(Optional.empty(), route), route);
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
            return h.size() > suffix.size() && h.subList(h.size() - suffix.size(), h.size()).equals(suffix);
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
            if (lx.size() >= ly.size() && lx.subList(lx.size() - ly.size(), lx.size()).equals(ly)) {
                return Optional.of(x);
            }
            if (ly.size() > lx.size() && ly.subList(ly.size() - lx.size(), ly.size()).equals(lx)) {
                return Optional.of(y);
            }
            return Optional.empty();
        }

        private static List<String> labels(String name) {
            return Arrays.asList(name.toLowerCase(Locale.ROOT).split("\\.", -1));
        }
    }
}
