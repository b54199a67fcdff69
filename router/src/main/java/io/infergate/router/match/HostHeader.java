package io.infergate.router.match;

import java.util.Locale;

/**
 * The Host header as the router's matching sees it. The hostname rules it is then matched with
 * (wildcards, intersection) are the Gateway API's, shared with the controller in
 * {@link io.infergate.common.gatewayapi.Hostnames}.
 */
public final class HostHeader {

    private HostHeader() {}

    /**
     * The Host header as matching sees it: without the port (the Gateway API says to ignore it),
     * without a trailing dot, in lower case. {@code [::1]:8080} becomes {@code [::1]}.
     */
    public static String normalize(String hostHeader) {
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
}
