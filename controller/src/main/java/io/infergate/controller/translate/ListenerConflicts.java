package io.infergate.controller.translate;

import io.infergate.controller.model.GatewayObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Listeners that cannot be told apart, within one Gateway and across Gateways.
 *
 * <p>Within one Gateway (the spec's {@code Conflicted} condition): listeners sharing a port must
 * share its protocol ({@code ProtocolConflict} for every listener of that port otherwise, e.g. HTTP
 * with HTTPS, or HTTPS with TLS); listeners sharing a port and protocol must have distinct
 * hostnames, compared case-insensitively, no hostname being a value of its own
 * ({@code HostnameConflict} for every listener of the duplicate). All conflicting listeners are
 * reported, none is preferred, because the spec leaves which one wins to no rule.
 *
 * <p>Across Gateways: a router socket (address and port) can serve a hostname for one listener
 * only, otherwise requests could not be told apart and the router would refuse the whole snapshot.
 * The oldest Gateway (creationTimestamp, then {@code namespace/name}) keeps the claim; a younger
 * Gateway's listener with the same socket and hostname is not served ({@code PortUnavailable}).
 * Gateways without {@code spec.addresses} share the router's own address.
 */
final class ListenerConflicts {

    private ListenerConflicts() {}

    /** Per listener name of one Gateway, the Conflicted reason of the listeners that have one. */
    static Map<String, String> within(List<GatewayObject.Listener> listeners) {
        Map<Integer, Set<String>> protocols = new HashMap<>();
        for (GatewayObject.Listener l : listeners) {
            protocols.computeIfAbsent(l.port(), k -> new HashSet<>()).add(l.protocol());
        }
        Map<String, Integer> sameHost = new HashMap<>();
        for (GatewayObject.Listener l : listeners) {
            sameHost.merge(hostKey(l), 1, Integer::sum);
        }
        Map<String, String> out = new HashMap<>();
        for (GatewayObject.Listener l : listeners) {
            if (protocols.get(l.port()).size() > 1) {
                out.put(l.name(), "ProtocolConflict");
            } else if (sameHost.get(hostKey(l)) > 1) {
                out.put(l.name(), "HostnameConflict");
            }
        }
        return out;
    }

    /**
     * A socket claim of one served listener.
     *
     * @param gateway   {@code namespace/name} of its Gateway
     * @param addresses the Gateway's {@code spec.addresses}; empty means the router's own address
     */
    record Claim(String gateway, String listener, List<String> addresses, int port, Optional<String> hostname) {}

    /**
     * Which claims lose to an older one, with the message saying to whom.
     *
     * @param claims in precedence order: the oldest Gateway's listeners first
     * @return per {@code gateway + "/" + listener}, why it is not served
     */
    static Map<String, String> across(List<Claim> claims) {
        Map<String, Claim> owners = new HashMap<>();
        Map<String, String> out = new HashMap<>();
        for (Claim c : claims) {
            List<String> addresses = c.addresses().isEmpty() ? List.of("") : c.addresses();
            List<String> keys = new ArrayList<>();
            Claim owner = null;
            for (String a : addresses) {
                String key = a + "|" + c.port() + "|"
                        + c.hostname().map(h -> h.toLowerCase(Locale.ROOT)).orElse("");
                keys.add(key);
                Claim o = owners.get(key);
                if (o != null && !o.gateway().equals(c.gateway()) && owner == null) {
                    owner = o;
                }
            }
            if (owner != null) {
                out.put(
                        c.gateway() + "/" + c.listener(),
                        "port " + c.port()
                                + (c.addresses().isEmpty()
                                        ? " of the router's address"
                                        : " on " + String.join(", ", c.addresses()))
                                + " with hostname '" + c.hostname().orElse("") + "' is already served by listener "
                                + owner.listener() + " of the older Gateway " + owner.gateway());
            } else {
                keys.forEach(k -> owners.putIfAbsent(k, c));
            }
        }
        return out;
    }

    private static String hostKey(GatewayObject.Listener l) {
        return l.port() + "/" + l.protocol() + "/"
                + l.hostname().map(h -> h.toLowerCase(Locale.ROOT)).orElse("");
    }
}
