package io.infergate.router.match;

import java.util.Locale;
import java.util.Optional;

/**
 * Hostname rules of the Gateway API, shared by listener selection and route filtering.
 *
 * <p>A hostname is exact ({@code a.example.com}) or a wildcard ({@code *.example.com}). A wildcard
 * matches one or more labels in front of its suffix and never the suffix itself (the apex), so
 * {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}, not
 * {@code example.com}. Comparison ignores case.
 */
public final class Hostnames {

    private Hostnames() {
    }

    /**
     * The Host header as matching sees it: without the port (the Gateway API says to ignore it),
     * without a trailing dot, in lower case. {@code [::1]:8080} becomes {@code [::1]}.
     */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(0, end + 1);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** True for {@code *.suffix} patterns. */
    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }

    /** Whether the (normalized) host matches the exact or wildcard pattern. */
    public static boolean matches(String pattern, String host) {
        if (isWildcard(pattern)) {
            String suffix = pattern.substring(1); // ".example.com"
            return host.length() > suffix.length() && host.regionMatches(true, host.length() - suffix.length(),
                    suffix, 0, suffix.length());
        }
        return pattern.equalsIgnoreCase(host);
    }

    /**
     * The hostnames a route hostname serves on a listener: the more specific of the two when one
     * contains the other, empty when they do not intersect. A listener without a hostname accepts
     * the route hostname as it is. Examples: listener {@code very.specific.com} with route
     * {@code *.specific.com} gives {@code very.specific.com}; listener {@code *.wildcard.io} with
     * route {@code foo.wildcard.io} gives {@code foo.wildcard.io}.
     */
    public static Optional<String> intersect(Optional<String> listener, String route) {
        String r = route.toLowerCase(Locale.ROOT);
        if (listener.isEmpty()) {
            return Optional.of(r);
        }
        String l = listener.get().toLowerCase(Locale.ROOT);
        if (l.equals(r)) {
            return Optional.of(l);
        }
        boolean lw = isWildcard(l);
        boolean rw = isWildcard(r);
        if (!lw && !rw) {
            return Optional.empty();
        }
        if (lw && !rw) {
            return matches(l, r) ? Optional.of(r) : Optional.empty();
        }
        if (!lw) {
            return matches(r, l) ? Optional.of(l) : Optional.empty();
        }
        // both wildcards: the longer one is inside the shorter one when its suffix ends with it
        if (matches(l, r.substring(2))) {
            return Optional.of(r);
        }
        if (matches(r, l.substring(2))) {
            return Optional.of(l);
        }
        return Optional.empty();
    }
}
