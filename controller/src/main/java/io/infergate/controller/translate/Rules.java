package io.infergate.controller.translate;

import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.PathMatch;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.common.snapshot.ValueMatch;
import io.infergate.controller.model.HttpRouteObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates the rules of one HTTPRoute into snapshot rules.
 *
 * <p>Rules: a rule without matches gets the spec's default {@code PathPrefix /}; Exact and
 * PathPrefix values start with {@code /}; regular expressions must compile (Java syntax, full
 * match); methods are the nine HTTP methods of the spec; timeouts are GEP-2257 durations and
 * {@code backendRequest} may not exceed a non-zero {@code request}. Anything else is an unsupported
 * value that makes the route not accepted. Unresolved backendRefs stay in the rule without a
 * backend (the router answers 500 for their share); weight defaults to 1.
 */
final class Rules {

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private Rules() {}

    /**
     * The translated rules; problems and the InferencePools (by {@code namespace/name}) the
     * backendRefs name (resolved, or existing but unusable) are collected into the arguments.
     */
    static List<Rule> translate(HttpRouteObject route, Backends backends, RouteProblems problems, Set<String> pools) {
        String ns = route.meta().namespace();
        String routeId =
                io.infergate.common.snapshot.HttpRoute.idOf(ns, route.meta().name());
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < route.rules().size(); i++) {
            HttpRouteObject.Rule rule = route.rules().get(i);
            String where = "rule " + i;
            List<Match> matches = rule.matches().isEmpty()
                    ? List.of(Match.defaultMatch())
                    : rule.matches().stream()
                            .map(m -> match(m, where, problems))
                            .toList();
            // The spec's validation: ReplacePrefixMatch needs exactly one match, a PathPrefix.
            boolean onePathPrefix =
                    matches.size() == 1 && matches.getFirst().path().type() == PathMatch.Type.PATH_PREFIX;
            List<Filter> filters = Filters.translate(
                    rule.filters(), where, onePathPrefix, !rule.backendRefs().isEmpty(), ns, backends, problems);
            List<BackendRef> refs = new ArrayList<>();
            for (int b = 0; b < rule.backendRefs().size(); b++) {
                HttpRouteObject.BackendRef ref = rule.backendRefs().get(b);
                String at = where + " backendRef " + b;
                if (ref.weight() < 0 || ref.weight() > 1_000_000) {
                    problems.invalid("UnsupportedValue", at + ": weight " + ref.weight() + " is outside 0..1000000");
                }
                Optional<String> backend = switch (backends.resolve(ref.ref(), ns)) {
                    case Backends.Resolution.Resolved r -> {
                        r.poolPath().ifPresent(pools::add);
                        yield Optional.of(r.backendId());
                    }
                    case Backends.Resolution.Unresolved u -> {
                        u.poolPath().ifPresent(pools::add);
                        problems.unresolved(u.reason(), at + ": " + u.message());
                        yield Optional.empty();
                    }
                };
                List<Filter> refFilters =
                        Filters.translate(ref.filters(), at, onePathPrefix, false, ns, backends, problems);
                refs.add(new BackendRef(backend, ref.weight(), refFilters));
            }
            out.add(new Rule(routeId + "/rule/" + i, matches, filters, refs, timeouts(rule, where, problems)));
        }
        return out;
    }

    private static Match match(HttpRouteObject.Match m, String where, RouteProblems problems) {
        PathMatch.Type type = switch (m.path().type()) {
            case "Exact" -> PathMatch.Type.EXACT;
            case "PathPrefix" -> PathMatch.Type.PATH_PREFIX;
            case "RegularExpression" -> PathMatch.Type.REGULAR_EXPRESSION;
            default -> {
                problems.invalid(
                        "UnsupportedValue", where + ": path type " + m.path().type() + " is not supported");
                yield PathMatch.Type.PATH_PREFIX;
            }
        };
        String value = m.path().value();
        if (type == PathMatch.Type.REGULAR_EXPRESSION) {
            regex(value, where + " path", problems);
        } else if (!value.startsWith("/")) {
            problems.invalid("UnsupportedValue", where + ": path '" + value + "' does not start with '/'");
        }
        Optional<String> method = m.method();
        if (method.isPresent() && !METHODS.contains(method.get())) {
            problems.invalid("UnsupportedValue", where + ": method " + method.get() + " is not supported");
        }
        return new Match(
                new PathMatch(type, value),
                method,
                values(m.headers(), where + " header", true, problems),
                values(m.queryParams(), where + " queryParam", false, problems));
    }

    private static List<ValueMatch> values(
            List<HttpRouteObject.NameMatch> matches, String what, boolean ignoreCase, RouteProblems problems) {
        List<ValueMatch> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (HttpRouteObject.NameMatch m : matches) {
            ValueMatch.Type type = switch (m.type()) {
                case "Exact" -> ValueMatch.Type.EXACT;
                case "RegularExpression" -> {
                    regex(m.value(), what + " " + m.name(), problems);
                    yield ValueMatch.Type.REGULAR_EXPRESSION;
                }
                default -> {
                    problems.invalid(
                            "UnsupportedValue", what + " " + m.name() + ": type " + m.type() + " is not supported");
                    yield ValueMatch.Type.EXACT;
                }
            };
            if (m.name().isEmpty()) {
                problems.invalid("UnsupportedValue", what + ": name must not be empty");
            }
            // The spec: only the first match of a repeated name counts (header names case-insensitively).
            String key = ignoreCase ? m.name().toLowerCase(Locale.ROOT) : m.name();
            if (seen.add(key)) {
                out.add(new ValueMatch(type, m.name(), m.value()));
            }
        }
        return out;
    }

    private static Timeouts timeouts(HttpRouteObject.Rule rule, String where, RouteProblems problems) {
        Optional<Duration> request = duration(rule.requestTimeout(), where + " timeouts.request", problems);
        Optional<Duration> backend =
                duration(rule.backendRequestTimeout(), where + " timeouts.backendRequest", problems);
        if (request.isPresent()
                && backend.isPresent()
                && !request.get().isZero()
                && backend.get().compareTo(request.get()) > 0) {
            problems.invalid("UnsupportedValue", where + ": timeouts.backendRequest is longer than timeouts.request");
        }
        // The spec: a zero duration ("0s") disables that timeout. The snapshot says so by absence.
        return new Timeouts(request.filter(d -> !d.isZero()), backend.filter(d -> !d.isZero()));
    }

    private static Optional<Duration> duration(Optional<String> text, String what, RouteProblems problems) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> d = Durations.parse(text.get());
        if (d.isEmpty()) {
            problems.invalid("UnsupportedValue", what + ": '" + text.get() + "' is not a Gateway API duration");
        }
        return d;
    }

    private static void regex(String pattern, String what, RouteProblems problems) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            problems.invalid("UnsupportedValue", what + ": invalid regular expression: " + e.getDescription());
        }
    }
}
