package io.infergate.common.snapshot;

import io.infergate.common.tls.KeyMaterial;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Semantic checks a router runs before it swaps a snapshot in: everything the router would
 * otherwise discover mid-request. Returns all violations; an empty list means usable.
 *
 * <p>Rules checked: schema version; unique ids; ports (listener public ports included) in
 * 1..65535; unique listener names per Gateway; HTTPS listeners name at least one certificate of the snapshot, HTTP listeners none, and every
 * certificate's PEM parses and its key matches ({@link io.infergate.common.tls.KeyMaterial}); one listener per socket and
 * hostname across all Gateways (a socket is an address of {@code Gateway.addresses}, or the
 * router's own address when there are none, with the port; hostnames compare case-insensitively,
 * none being a value of its own), since the router could not tell such listeners' requests apart; route parents name existing listeners; backendRefs and mirrors name existing backends; weights
 * in 0..1,000,000; regular expressions compile; paths start with '/'; redirect codes are
 * 301/302/303/307/308; mirror fractions are in (0, 1]; objectives name existing pools; model rewrite rules have
 * non-blank names and at least one target with a weight in 1..1,000,000; the router count is at least 1;
 * AuthPolicies as {@link AuthPolicyChecks} says; RateLimitPolicies as {@code RateLimitPolicyChecks} says; backend TLS as {@link BackendTlsChecks} says.
 */
public final class SnapshotValidator {

    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    private final List<Violation> out = new ArrayList<>();

    private SnapshotValidator() {}

    /** All violations of the snapshot; empty when it is usable. */
    public static List<Violation> validate(Snapshot s) {
        SnapshotValidator v = new SnapshotValidator();
        v.check(s);
        return List.copyOf(v.out);
    }

    private void check(Snapshot s) {
        if (s.schemaVersion() != Snapshot.SCHEMA_VERSION) {
            add("/schemaVersion", "unsupported schema version " + s.schemaVersion());
        }
        if (s.routers() < 1) {
            add("/routers", "must be at least 1 (the number of routers the snapshot is pushed to)");
        }
        Map<String, Set<String>> listeners = new HashMap<>();
        Map<String, String> sockets = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Set<String> certificates = new HashSet<>();
        for (int c = 0; c < s.certificates().size(); c++) {
            Certificate cert = s.certificates().get(c);
            unique(ids, cert.id(), "/certificates/" + c);
            certificates.add(cert.id());
            try {
                KeyMaterial.parse(cert.certificateChain(), cert.privateKey());
            } catch (KeyMaterial.Invalid e) {
                add("/certificates/" + c, e.getMessage()); // the message never quotes the material
            }
        }
        for (int g = 0; g < s.gateways().size(); g++) {
            Gateway gw = s.gateways().get(g);
            String p = "/gateways/" + g;
            unique(ids, gw.id(), p);
            Set<String> names = new HashSet<>();
            for (int l = 0; l < gw.listeners().size(); l++) {
                Listener li = gw.listeners().get(l);
                String q = p + "/listeners/" + l;
                if (!names.add(li.name())) {
                    add(q + "/name", "duplicate listener name '" + li.name() + "'");
                }
                port(li.port(), q + "/port");
                li.publicPort().ifPresent(pp -> port(pp, q + "/publicPort"));
                if (li.protocol() == Listener.Protocol.HTTPS
                        && li.certificates().isEmpty()) {
                    add(q + "/certificates", "an HTTPS listener needs at least one certificate");
                } else if (li.protocol() == Listener.Protocol.HTTP
                        && !li.certificates().isEmpty()) {
                    add(q + "/certificates", "an HTTP listener has no certificates");
                }
                for (int c = 0; c < li.certificates().size(); c++) {
                    if (!certificates.contains(li.certificates().get(c))) {
                        add(
                                q + "/certificates/" + c,
                                "names no certificate in the snapshot: '"
                                        + li.certificates().get(c) + "'");
                    }
                }
                socket(sockets, gw, li, q);
            }
            listeners.put(gw.id(), names);
        }
        Set<String> backends = new HashSet<>();
        Set<String> pools = new HashSet<>();
        for (int b = 0; b < s.backends().size(); b++) {
            Backend be = s.backends().get(b);
            String p = "/backends/" + b;
            unique(ids, be.id(), p);
            backends.add(be.id());
            if (be instanceof Backend.InferencePool pool) {
                pools.add(be.id());
                modelRewrites(pool, p, ids);
            }
            if (be instanceof Backend.External x) {
                out.addAll(ExternalChecks.check(x, p)); // its one endpoint is the base URL's host: a name
                continue;
            }
            for (int e = 0; e < be.endpoints().size(); e++) {
                Endpoint ep = be.endpoints().get(e);
                if (ep.address().isBlank()) {
                    add(p + "/endpoints/" + e + "/address", "must not be empty");
                } else if (!IpLiterals.isIp(ep.address())) {
                    // the router connects and scrapes by address without name resolution
                    add(
                            p + "/endpoints/" + e + "/address",
                            "must be an IPv4 or IPv6 address, is '" + ep.address() + "'");
                }
                port(ep.port(), p + "/endpoints/" + e + "/port");
            }
        }
        for (int r = 0; r < s.routes().size(); r++) {
            route(s.routes().get(r), "/routes/" + r, ids, listeners, backends);
        }
        for (int o = 0; o < s.objectives().size(); o++) {
            Objective ob = s.objectives().get(o);
            unique(ids, ob.id(), "/objectives/" + o);
            if (!pools.contains(ob.pool())) {
                add("/objectives/" + o + "/pool", "names no InferencePool in the snapshot: '" + ob.pool() + "'");
            }
        }
        out.addAll(AuthPolicyChecks.check(s, ids));
        out.addAll(RateLimitPolicyChecks.check(s, ids));
        out.addAll(BackendTlsChecks.check(s, backends));
    }

    /** Rewrite rules: unique ids, non-blank names, at least one target, weights in 1..1,000,000. */
    private void modelRewrites(Backend.InferencePool pool, String p, Set<String> ids) {
        for (int r = 0; r < pool.modelRewrites().size(); r++) {
            ModelRewrite rule = pool.modelRewrites().get(r);
            String q = p + "/modelRewrites/" + r;
            unique(ids, rule.id(), q);
            for (int m = 0; m < rule.models().size(); m++) {
                if (rule.models().get(m).isBlank()) {
                    add(q + "/models/" + m, "must not be empty");
                }
            }
            if (rule.targets().isEmpty()) {
                add(q + "/targets", "at least one target is required");
            }
            for (int t = 0; t < rule.targets().size(); t++) {
                ModelRewrite.Target target = rule.targets().get(t);
                if (target.model().isBlank()) {
                    add(q + "/targets/" + t + "/model", "must not be empty");
                }
                if (target.weight() < 1 || target.weight() > 1_000_000) {
                    add(q + "/targets/" + t + "/weight", "must be in 1..1000000, was " + target.weight());
                }
            }
        }
    }

    /** Claims each socket and hostname of a listener; a second claim is a violation naming the first. */
    private void socket(Map<String, String> sockets, Gateway gw, Listener li, String p) {
        String host = li.hostname().map(h -> h.toLowerCase(Locale.ROOT)).orElse("");
        for (String address : gw.addresses().isEmpty() ? List.of("") : new LinkedHashSet<>(gw.addresses())) {
            String owner = gw.id() + "/" + li.name();
            String previous = sockets.putIfAbsent(address + "|" + li.port() + "|" + host, owner);
            if (previous != null && !previous.equals(owner)) {
                add(
                        p + "/hostname",
                        "listener " + owner + " and " + previous + " share port " + li.port() + " on "
                                + (address.isEmpty() ? "the router's address" : address) + " and hostname '" + host
                                + "': requests could not be told apart");
            }
        }
    }

    private void route(
            HttpRoute rt, String p, Set<String> ids, Map<String, Set<String>> listeners, Set<String> backends) {
        unique(ids, rt.id(), p);
        for (int i = 0; i < rt.parents().size(); i++) {
            ListenerRef ref = rt.parents().get(i);
            Set<String> names = listeners.get(ref.gateway());
            if (names == null || !names.contains(ref.listener())) {
                add(p + "/parents/" + i, "names no listener in the snapshot: " + ref.gateway() + "/" + ref.listener());
            }
        }
        for (int r = 0; r < rt.rules().size(); r++) {
            Rule rule = rt.rules().get(r);
            String q = p + "/rules/" + r;
            unique(ids, rule.id(), q);
            if (rule.matches().isEmpty()) {
                add(q + "/matches", "must not be empty (the controller fills in the default match)");
            }
            for (int m = 0; m < rule.matches().size(); m++) {
                match(rule.matches().get(m), q + "/matches/" + m);
            }
            filters(rule.filters(), q + "/filters", backends);
            for (int b = 0; b < rule.backends().size(); b++) {
                BackendRef ref = rule.backends().get(b);
                String bp = q + "/backends/" + b;
                ref.backend()
                        .filter(id -> !backends.contains(id))
                        .ifPresent(id -> add(bp + "/backend", "names no backend in the snapshot: '" + id + "'"));
                if (ref.weight() < 0 || ref.weight() > 1_000_000) {
                    add(bp + "/weight", "must be in 0..1000000, is " + ref.weight());
                }
                filters(ref.filters(), bp + "/filters", backends);
            }
        }
    }

    private void match(Match m, String p) {
        PathMatch path = m.path();
        switch (path.type()) {
            case EXACT, PATH_PREFIX -> {
                if (!path.value().startsWith("/")) {
                    add(p + "/path/value", "must start with '/': '" + path.value() + "'");
                }
            }
            case REGULAR_EXPRESSION -> regex(path.value(), p + "/path/value");
        }
        for (int h = 0; h < m.headers().size(); h++) {
            valueMatch(m.headers().get(h), p + "/headers/" + h);
        }
        for (int q = 0; q < m.queryParams().size(); q++) {
            valueMatch(m.queryParams().get(q), p + "/queryParams/" + q);
        }
        if (m.model().filter(String::isBlank).isPresent()) {
            add(p + "/model", "must not be blank");
        }
    }

    private void valueMatch(ValueMatch v, String p) {
        if (v.name().isEmpty()) {
            add(p + "/name", "must not be empty");
        }
        if (v.type() == ValueMatch.Type.REGULAR_EXPRESSION) {
            regex(v.value(), p + "/value");
        }
    }

    private void filters(List<Filter> filters, String p, Set<String> backends) {
        for (int i = 0; i < filters.size(); i++) {
            String q = p + "/" + i;
            switch (filters.get(i)) {
                case Filter.RequestRedirect r -> {
                    if (!REDIRECT_CODES.contains(r.statusCode())) {
                        add(q + "/statusCode", "must be one of " + REDIRECT_CODES + ", is " + r.statusCode());
                    }
                    r.port().ifPresent(port -> port(port, q + "/port"));
                }
                case Filter.RequestMirror m -> {
                    m.backend()
                            .filter(id -> !backends.contains(id))
                            .ifPresent(id -> add(q + "/backend", "names no backend in the snapshot: '" + id + "'"));
                    if (m.denominator() <= 0 || m.numerator() < 0 || m.numerator() > m.denominator()) {
                        add(q, "mirror fraction must satisfy 0 <= numerator <= denominator, denominator > 0");
                    }
                }
                case Filter.RequestHeaderModifier h -> {}
                case Filter.ResponseHeaderModifier h -> {}
                case Filter.UrlRewrite u -> {}
            }
        }
    }

    private void regex(String pattern, String p) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            add(p, "invalid regular expression: " + e.getDescription());
        }
    }

    private void port(int port, String p) {
        if (port < 1 || port > 65535) {
            add(p, "must be in 1..65535, is " + port);
        }
    }

    private void unique(Set<String> ids, String id, String p) {
        if (id.isEmpty()) {
            add(p + "/id", "must not be empty");
        } else if (!ids.add(id)) {
            add(p + "/id", "duplicate id '" + id + "'");
        }
    }

    private void add(String path, String message) {
        out.add(new Violation(path, message));
    }
}
