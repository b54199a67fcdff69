package io.infergate.router.match;

import java.util.Map;
import java.util.Set;

/**
 * Everything matching needs, per public socket. Immutable: built once per snapshot by
 * {@link RouteTableCompiler}, then shared by every request.
 *
 * @param sockets the tables of the sockets the snapshot's listeners need
 */
public record RouteTable(Map<SocketKey, SocketTable> sockets) {
    public RouteTable {
        sockets = Map.copyOf(sockets);
    }

    /** A table that serves nothing. */
    public static RouteTable empty() {
        return new RouteTable(Map.of());
    }

    /** The sockets to open. */
    public Set<SocketKey> socketKeys() {
        return sockets.keySet();
    }

    /** Socket, then listener, then rule. */
    public MatchResult match(RequestFacts request) {
        SocketTable socket = sockets.get(request.socket());
        if (socket == null) {
            return new MatchResult.NoListener();
        }
        var listener = socket.listenerFor(request.host());
        if (listener.isEmpty()) {
            return new MatchResult.NoListener();
        }
        return listener.get()
                .select(request)
                .<MatchResult>map(c -> new MatchResult.Matched(
                        listener.get().listener(), listener.get().clientPort(), c))
                .orElseGet(() -> new MatchResult.NoRule(listener.get().listener()));
    }
}
