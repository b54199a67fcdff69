package io.infergate.controller.translate;

import io.infergate.common.snapshot.Filter;
import io.infergate.controller.model.HttpRouteObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps HTTPRouteFilters onto snapshot filters.
 *
 * <p>Rules: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite and
 * RequestMirror are supported. Any other type (ExtensionRef, CORS, ExternalAuth, unknown) is an
 * unsupported value: the whole route is not accepted ({@code Accepted=False/UnsupportedValue}),
 * because a filter must never be skipped silently. RequestRedirect and URLRewrite in one list are
 * {@code IncompatibleFilters}, and so are, as the spec's validation rules say, a RequestRedirect
 * on a rule that has backendRefs and a repeated RequestHeaderModifier, ResponseHeaderModifier,
 * RequestRedirect or URLRewrite in one list (in a cluster the API server refuses these; a folder
 * of manifests has no such check, so the translator makes it). Redirect schemes are http/https,
 * status codes 301/302/303/307/308; ReplacePrefixMatch needs the rule to have exactly one match,
 * a PathPrefix (another validation rule of the spec). A mirror whose backendRef does not resolve
 * stays (mirroring nothing) and makes the route {@code ResolvedRefs=False}.
 */
final class Filters {

    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
    /** Filter types that may appear at most once in one list. */
    private static final Set<String> UNIQUE =
            Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite");

    private Filters() {}

    /**
     * @param where           e.g. {@code rule 0} or {@code rule 0 backendRef 1}, for messages
     * @param onePathPrefix   whether the rule has exactly one match and it is a PathPrefix match
     * @param withBackendRefs the filters are a rule's and the rule has backendRefs
     */
    static List<Filter> translate(
            List<HttpRouteObject.Filter> filters,
            String where,
            boolean onePathPrefix,
            boolean withBackendRefs,
            String routeNamespace,
            Backends backends,
            RouteProblems problems) {
        List<Filter> out = new ArrayList<>();
        boolean redirect = false;
        boolean rewrite = false;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < filters.size(); i++) {
            HttpRouteObject.Filter f = filters.get(i);
            String at = where + " filter " + i + " (" + f.type() + ")";
            if (UNIQUE.contains(f.type()) && !seen.add(f.type())) {
                problems.invalid("IncompatibleFilters", at + ": a " + f.type() + " filter cannot be repeated");
            }
            Optional<? extends Filter> mapped = switch (f.type()) {
                case "RequestHeaderModifier" ->
                    f.requestHeaderModifier()
                            .map(m -> new Filter.RequestHeaderModifier(headers(m.set()), headers(m.add()), m.remove()));
                case "ResponseHeaderModifier" ->
                    f.responseHeaderModifier()
                            .map(m ->
                                    new Filter.ResponseHeaderModifier(headers(m.set()), headers(m.add()), m.remove()));
                case "RequestRedirect" -> {
                    redirect = true;
                    yield f.requestRedirect().flatMap(r -> redirect(r, at, onePathPrefix, problems));
                }
                case "URLRewrite" -> {
                    rewrite = true;
                    yield f.urlRewrite()
                            .flatMap(r -> path(r.path(), at, onePathPrefix, problems)
                                    .map(p -> new Filter.UrlRewrite(r.hostname(), p)));
                }
                case "RequestMirror" ->
                    f.requestMirror().flatMap(m -> mirror(m, at, routeNamespace, backends, problems));
                default -> {
                    problems.invalid("UnsupportedValue", at + ": filter type " + f.type() + " is not supported");
                    yield Optional.empty();
                }
            };
            if (mapped.isPresent()) {
                out.add(mapped.get());
            } else if (isKnown(f.type()) && missingConfig(f)) {
                problems.invalid("UnsupportedValue", at + ": the filter's configuration is missing");
            }
        }
        if (redirect && rewrite) {
            problems.invalid("IncompatibleFilters", where + ": RequestRedirect and URLRewrite cannot be combined");
        }
        if (redirect && withBackendRefs) {
            problems.invalid(
                    "IncompatibleFilters", where + ": a RequestRedirect filter cannot be used with backendRefs");
        }
        return out;
    }

    private static Optional<Filter> redirect(
            HttpRouteObject.Redirect r, String at, boolean onePathPrefix, RouteProblems problems) {
        boolean ok = true;
        if (r.scheme().isPresent()
                && !Set.of("http", "https").contains(r.scheme().get())) {
            problems.invalid("UnsupportedValue", at + ": scheme " + r.scheme().get() + " is not supported");
            ok = false;
        }
        if (!REDIRECT_CODES.contains(r.statusCode())) {
            problems.invalid("UnsupportedValue", at + ": statusCode " + r.statusCode() + " is not supported");
            ok = false;
        }
        if (r.port().isPresent() && (r.port().get() < 1 || r.port().get() > 65535)) {
            problems.invalid("UnsupportedValue", at + ": port " + r.port().get() + " is out of range");
            ok = false;
        }
        Optional<Optional<Filter.PathModifier>> path = path(r.path(), at, onePathPrefix, problems);
        if (!ok || path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Filter.RequestRedirect(r.scheme(), r.hostname(), r.port(), path.get(), r.statusCode()));
    }

    /** Empty when invalid; an empty inner optional when the filter changes no path. */
    private static Optional<Optional<Filter.PathModifier>> path(
            Optional<HttpRouteObject.PathModifier> path, String at, boolean onePathPrefix, RouteProblems problems) {
        if (path.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        HttpRouteObject.PathModifier p = path.get();
        return switch (p.type()) {
            case "ReplaceFullPath" -> {
                if (p.replaceFullPath().isEmpty()) {
                    problems.invalid("UnsupportedValue", at + ": ReplaceFullPath needs replaceFullPath");
                    yield Optional.empty();
                }
                yield Optional.of(Optional.of(new Filter.PathModifier(
                        Filter.PathModifier.Type.REPLACE_FULL_PATH,
                        p.replaceFullPath().get())));
            }
            case "ReplacePrefixMatch" -> {
                if (p.replacePrefixMatch().isEmpty()) {
                    problems.invalid("UnsupportedValue", at + ": ReplacePrefixMatch needs replacePrefixMatch");
                    yield Optional.empty();
                }
                if (!onePathPrefix) {
                    problems.invalid(
                            "UnsupportedValue", at + ": ReplacePrefixMatch needs exactly one match, a PathPrefix");
                    yield Optional.empty();
                }
                yield Optional.of(Optional.of(new Filter.PathModifier(
                        Filter.PathModifier.Type.REPLACE_PREFIX_MATCH,
                        p.replacePrefixMatch().get())));
            }
            default -> {
                problems.invalid("UnsupportedValue", at + ": path type " + p.type() + " is not supported");
                yield Optional.empty();
            }
        };
    }

    private static Optional<Filter> mirror(
            HttpRouteObject.Mirror m, String at, String routeNamespace, Backends backends, RouteProblems problems) {
        int numerator;
        int denominator;
        if (m.percent().isPresent()) {
            numerator = m.percent().get();
            denominator = 100;
        } else if (m.fractionNumerator().isPresent()) {
            numerator = m.fractionNumerator().get();
            denominator = m.fractionDenominator().orElse(100);
        } else {
            numerator = 100;
            denominator = 100;
        }
        if (denominator <= 0 || numerator < 0 || numerator > denominator) {
            problems.invalid("UnsupportedValue", at + ": the mirrored fraction must lie in [0, 1]");
            return Optional.empty();
        }
        Optional<String> backend = switch (backends.resolve(m.backendRef(), routeNamespace)) {
            case Backends.Resolution.Resolved r -> Optional.of(r.backendId());
            case Backends.Resolution.Unresolved u -> {
                problems.unresolved(u.reason(), at + ": " + u.message());
                yield Optional.empty();
            }
        };
        return Optional.of(new Filter.RequestMirror(backend, numerator, denominator));
    }

    private static List<Filter.Header> headers(List<HttpRouteObject.Header> headers) {
        return headers.stream().map(h -> new Filter.Header(h.name(), h.value())).toList();
    }

    private static boolean isKnown(String type) {
        return Set.of(
                        "RequestHeaderModifier",
                        "ResponseHeaderModifier",
                        "RequestRedirect",
                        "URLRewrite",
                        "RequestMirror")
                .contains(type);
    }

    private static boolean missingConfig(HttpRouteObject.Filter f) {
        return switch (f.type()) {
            case "RequestHeaderModifier" -> f.requestHeaderModifier().isEmpty();
            case "ResponseHeaderModifier" -> f.responseHeaderModifier().isEmpty();
            case "RequestRedirect" -> f.requestRedirect().isEmpty();
            case "URLRewrite" -> f.urlRewrite().isEmpty();
            case "RequestMirror" -> f.requestMirror().isEmpty();
            default -> false;
        };
    }
}
