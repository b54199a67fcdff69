package io.infergate.router.match;

import io.infergate.common.gatewayapi.Hostnames;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The listeners served on one socket, arranged for listener selection: a listener with an exact
 * hostname equal to the Host wins, then the most specific (longest) matching wildcard listener,
 * then the listener without a hostname. A request only ever sees the routes of the one listener
 * it selects (listener isolation).
 *
 * @param exact     listeners with an exact hostname, by hostname
 * @param wildcards listeners with a wildcard hostname, longest first
 * @param any       the listener without a hostname, if there is one
 */
public record SocketTable(
        Map<String, ListenerTable> exact, List<ListenerTable> wildcards, Optional<ListenerTable> any) {
    public SocketTable {
        exact = Map.copyOf(exact);
        wildcards = List.copyOf(wildcards);
    }

    /** The listener a Host selects, or empty when none accepts it. */
    public Optional<ListenerTable> listenerFor(String host) {
        ListenerTable t = exact.get(host);
        if (t != null) {
            return Optional.of(t);
        }
        for (ListenerTable w : wildcards) {
            if (Hostnames.matches(w.hostname().orElseThrow(), host)) {
                return Optional.of(w);
            }
        }
        return any;
    }
}
