package io.infergate.router.match;

import io.infergate.common.snapshot.ListenerRef;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The precedence-ordered candidates of one listener, grouped by Host so a request scans only the
 * candidates that can serve its Host.
 *
 * @param listener   the listener (Gateway id and listener name)
 * @param hostname   the listener's hostname, lower case; empty accepts any Host
 * @param clientPort the port clients reach the listener on: its snapshot {@code publicPort}, else
 *                   the socket's port (they differ for a Gateway on reserved router ports)
 * @param byHost     for each exact hostname some candidate names: every candidate serving that Host
 *                   (exact, wildcard and hostname-less ones), in precedence order
 * @param others     candidates with a wildcard hostname or none, in precedence order: used for a
 *                   Host that no candidate names exactly
 */
public record ListenerTable(
        ListenerRef listener,
        Optional<String> hostname,
        int clientPort,
        Map<String, List<Candidate>> byHost,
        List<Candidate> others) {
    public ListenerTable {
        byHost = Map.copyOf(byHost);
        others = List.copyOf(others);
    }

    /** The winning candidate for the request, or empty when no rule matches. */
    public Optional<Candidate> select(RequestFacts request) {
        List<Candidate> exact = byHost.get(request.host());
        if (exact != null) {
            for (Candidate c : exact) {
                if (c.match().test(request)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
        for (Candidate c : others) {
            if (c.servesHost(request.host()) && c.match().test(request)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
