package io.infergate.router.match;

import io.infergate.common.gatewayapi.Hostnames;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.ValueMatch;
import io.infergate.common.snapshot.Violation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a validated snapshot into a {@link RouteTable}: sockets from listeners, listener
 * selection order, compiled regular expressions and the precedence order of every listener's
 * candidates. Pure: no I/O, no clock.
 *
 * <p>Besides what {@code SnapshotValidator} checks, it rejects what this router cannot serve:
 * HTTP and HTTPS listeners on one address and port (a socket either terminates TLS or does not),
 * two listeners on one socket with the same hostname (neither could be selected unambiguously),
 * and creation timestamps that are not RFC 3339.
 */
public final class RouteTableCompiler {

    /** The outcome of compiling. */
    public sealed interface Result {
        /** A usable table. */
        record Compiled(RouteTable table) implements Result {}

        /** Why the snapshot cannot be served. */
        record Rejected(List<Violation> violations) implements Result {
            public Rejected {
                violations = List.copyOf(violations);
            }
        }
    }

    private record ListenerInfo(ListenerRef ref, Optional<String> hostname, int clientPort, List<SocketKey> sockets) {}

    private final List<Violation> violations = new ArrayList<>();

    private RouteTableCompiler() {}

    /**
     * Compiles the snapshot.
     *
     * @param snapshot    a snapshot that passed {@code SnapshotValidator}
     * @param bindAddress where listeners of Gateways without {@code addresses} are served
     */
    public static Result compile(Snapshot snapshot, String bindAddress) {
        RouteTableCompiler c = new RouteTableCompiler();
        RouteTable table = c.build(snapshot, bindAddress);
        return c.violations.isEmpty() ? new Result.Compiled(table) : new Result.Rejected(c.violations);
    }

    private RouteTable build(Snapshot snapshot, String bindAddress) {
        Map<ListenerRef, ListenerInfo> listeners = listeners(snapshot, bindAddress);
        Map<ListenerRef, List<Candidate>> candidates = new LinkedHashMap<>();
        listeners.keySet().forEach(ref -> candidates.put(ref, new ArrayList<>()));
        for (int r = 0; r < snapshot.routes().size(); r++) {
            addRoute(snapshot.routes().get(r), "/routes/" + r, listeners, candidates);
        }
        Map<SocketKey, List<ListenerTable>> bySocket = new LinkedHashMap<>();
        for (ListenerInfo info : listeners.values()) {
            List<Candidate> sorted = new ArrayList<>(candidates.get(info.ref()));
            sorted.sort(Precedence.ORDER);
            ListenerTable table = table(info, sorted);
            for (SocketKey key : info.sockets()) {
                bySocket.computeIfAbsent(key, k -> new ArrayList<>()).add(table);
            }
        }
        Map<SocketKey, SocketTable> sockets = new HashMap<>();
        bySocket.forEach((key, tables) -> sockets.put(key, socketTable(tables)));
        return new RouteTable(sockets);
    }

    private Map<ListenerRef, ListenerInfo> listeners(Snapshot snapshot, String bindAddress) {
        Map<ListenerRef, ListenerInfo> out = new LinkedHashMap<>();
        // socket -> hostname ("" for none) -> first listener that claimed it
        Map<SocketKey, Map<String, ListenerRef>> claims = new HashMap<>();
        for (int g = 0; g < snapshot.gateways().size(); g++) {
            Gateway gw = snapshot.gateways().get(g);
            List<String> addresses = gw.addresses().isEmpty() ? List.of(bindAddress) : gw.addresses();
            for (int l = 0; l < gw.listeners().size(); l++) {
                Listener li = gw.listeners().get(l);
                String p = "/gateways/" + g + "/listeners/" + l;
                Optional<String> hostname = li.hostname().map(h -> h.toLowerCase(Locale.ROOT));
                ListenerRef ref = new ListenerRef(gw.id(), li.name());
                boolean tls = li.protocol() == Listener.Protocol.HTTPS;
                List<SocketKey> keys = new ArrayList<>(new LinkedHashSet<>(addresses.stream()
                        .map(a -> new SocketKey(a, li.port(), tls))
                        .toList()));
                for (SocketKey key : keys) {
                    SocketKey other = new SocketKey(key.address(), key.port(), !tls);
                    if (claims.containsKey(other)) {
                        violate(
                                p + "/protocol",
                                "listener " + ref.gateway() + "/" + ref.listener() + " is " + li.protocol()
                                        + " on " + key.address() + ":" + key.port()
                                        + " where another listener has the other protocol: one socket "
                                        + "terminates TLS or does not");
                    }
                    ListenerRef previous =
                            claims.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(hostname.orElse(""), ref);
                    if (previous != null) {
                        violate(
                                p + "/hostname",
                                "listener " + ref.gateway() + "/" + ref.listener() + " and "
                                        + previous.gateway() + "/" + previous.listener() + " share socket " + key
                                        + " and hostname '" + hostname.orElse("")
                                        + "': requests could not be told apart");
                    }
                }
                out.put(ref, new ListenerInfo(ref, hostname, li.clientPort(), keys));
            }
        }
        return out;
    }

    private void addRoute(
            HttpRoute route,
            String p,
            Map<ListenerRef, ListenerInfo> listeners,
            Map<ListenerRef, List<Candidate>> out) {
        Instant created = created(route.creationTimestamp(), p + "/creationTimestamp");
        for (ListenerRef parent : new LinkedHashSet<>(route.parents())) {
            ListenerInfo listener = listeners.get(parent);
            if (listener == null) {
                continue; // a parent the validator reported
            }
            for (Optional<String> hostname : effectiveHostnames(route, listener)) {
                for (int r = 0; r < route.rules().size(); r++) {
                    Rule rule = route.rules().get(r);
                    for (int m = 0; m < rule.matches().size(); m++) {
                        String q = p + "/rules/" + r + "/matches/" + m;
                        CompiledMatch match = compileMatch(rule.matches().get(m), q);
                        out.get(parent).add(new Candidate(route, created, rule, r, m, match, hostname));
                    }
                }
            }
        }
    }

    /** The route's hostnames as they apply on this listener (see {@link Hostnames#intersection(Optional, String)}). */
    private static List<Optional<String>> effectiveHostnames(HttpRoute route, ListenerInfo listener) {
        if (route.hostnames().isEmpty()) {
            return List.of(listener.hostname());
        }
        Set<Optional<String>> out = new LinkedHashSet<>();
        for (String h : route.hostnames()) {
            Hostnames.intersection(listener.hostname(), h).ifPresent(x -> out.add(Optional.of(x)));
        }
        return List.copyOf(out);
    }

    private CompiledMatch compileMatch(Match match, String p) {
        PathCondition path = switch (match.path().type()) {
            case EXACT -> new PathCondition.Exact(match.path().value());
            case PATH_PREFIX -> PathCondition.Prefix.of(match.path().value());
            case REGULAR_EXPRESSION -> {
                Pattern pattern = pattern(match.path().value(), p + "/path/value");
                yield new PathCondition.Regex(match.path().value(), pattern);
            }
        };
        return new CompiledMatch(
                path,
                match.method(),
                values(match.headers(), true, p + "/headers"),
                values(match.queryParams(), false, p + "/queryParams"),
                match.model());
    }

    /**
     * Compiles value conditions. When several name the same header (case-insensitively) or
     * parameter (exactly), only the first counts, as the Gateway API specifies.
     */
    private List<ValueCondition> values(List<ValueMatch> matches, boolean headers, String p) {
        List<ValueCondition> out = new ArrayList<>();
        Set<String> seen = headers ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
        for (int i = 0; i < matches.size(); i++) {
            ValueMatch v = matches.get(i);
            if (!seen.add(v.name())) {
                continue;
            }
            String name = headers ? v.name().toLowerCase(Locale.ROOT) : v.name();
            out.add(
                    switch (v.type()) {
                        case EXACT -> new ValueCondition.Exact(name, v.value());
                        case REGULAR_EXPRESSION ->
                            new ValueCondition.Regex(name, pattern(v.value(), p + "/" + i + "/value"));
                    });
        }
        return out;
    }

    private static ListenerTable table(ListenerInfo info, List<Candidate> sorted) {
        Set<String> exactHosts = new TreeSet<>();
        for (Candidate c : sorted) {
            c.hostname().filter(h -> !Hostnames.isWildcard(h)).ifPresent(exactHosts::add);
        }
        Map<String, List<Candidate>> byHost = new HashMap<>();
        for (String host : exactHosts) {
            byHost.put(host, sorted.stream().filter(c -> c.servesHost(host)).toList());
        }
        List<Candidate> others = sorted.stream()
                .filter(c -> c.hostname().isEmpty()
                        || Hostnames.isWildcard(c.hostname().get()))
                .toList();
        return new ListenerTable(info.ref(), info.hostname(), info.clientPort(), byHost, others);
    }

    private static SocketTable socketTable(List<ListenerTable> tables) {
        Map<String, ListenerTable> exact = new HashMap<>();
        List<ListenerTable> wildcards = new ArrayList<>();
        Optional<ListenerTable> any = Optional.empty();
        for (ListenerTable t : tables) {
            if (t.hostname().isEmpty()) {
                any = Optional.of(t);
            } else if (Hostnames.isWildcard(t.hostname().get())) {
                wildcards.add(t);
            } else {
                exact.put(t.hostname().get(), t);
            }
        }
        // the most specific wildcard first: *.a.example.com before *.example.com
        wildcards.sort(Comparator.comparingInt(
                        (ListenerTable t) -> -t.hostname().orElseThrow().length())
                .thenComparing(t -> t.hostname().orElseThrow()));
        return new SocketTable(exact, wildcards, any);
    }

    private Instant created(String timestamp, String p) {
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            violate(p, "not an RFC 3339 timestamp: '" + timestamp + "'");
            return Instant.MAX;
        }
    }

    private Pattern pattern(String regex, String p) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            violate(p, "invalid regular expression: " + e.getDescription());
            return Pattern.compile("(?!)"); // matches nothing; the snapshot is rejected anyway
        }
    }

    private void violate(String path, String message) {
        violations.add(new Violation(path, message));
    }
}
