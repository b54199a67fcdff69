package io.infergate.router.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the message, and so are never forwarded in either
 * direction (RFC 9110 section 7.6.1): the fixed list, any {@code proxy-*} header, and any header
 * the {@code Connection} header names. Content-Length is dropped as well: the router streams and
 * lets the server frame each side itself.
 */
final class HopByHop {

    private static final Set<String> FIXED = Set.of(
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "expect",
            "host");

    private HopByHop() {}

    /**
     * Whether a header is dropped when copying a message across the proxy. {@code host} is in the
     * list because the router writes it itself (kept as sent unless a URLRewrite changes it).
     *
     * @param name       the header name
     * @param connection the message's {@code Connection} header value, or null
     */
    static boolean drop(String name, String connection) {
        String n = name.toLowerCase(Locale.ROOT);
        if (FIXED.contains(n) || n.startsWith("proxy-")) {
            return true;
        }
        if (connection != null) {
            for (String token : connection.split(",")) {
                if (token.trim().equalsIgnoreCase(n)) {
                    return true;
                }
            }
        }
        return false;
    }
}
