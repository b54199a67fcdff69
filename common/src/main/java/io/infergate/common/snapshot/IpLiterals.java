package io.infergate.common.snapshot;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a string is an IP address literal, decided without any name lookup: endpoint addresses
 * come from {@code status.podIP} and EndpointSlices, the router dials and scrapes them as given,
 * and a host name there would mean a DNS lookup per connection (or a scrape URL that is not one).
 */
final class IpLiterals {

    private IpLiterals() {}

    /** Dotted-quad IPv4 ({@code 0..255}, no leading zeros) or an IPv6 literal without brackets or zone. */
    static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        if (s.indexOf(':') < 0 || s.length() > 45 || s.charAt(0) == '.') {
            return false; // the JDK parses a string as a literal only when it starts with a hex digit or ':'
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return false; // brackets, zone ids (%eth0), anything else
            }
        }
        try {
            // a string with ':' is parsed as an IPv6 literal by the JDK, never looked up
            return InetAddress.getByName(s) != null; // IPv4-mapped forms come back as Inet4Address
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
