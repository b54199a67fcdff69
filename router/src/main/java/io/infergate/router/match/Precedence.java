package io.infergate.router.match;

import io.infergate.common.gatewayapi.Hostnames;

import java.util.Comparator;

/**
 * The order in which a listener's candidates are tried; the first one whose match holds wins.
 * Computed once per snapshot, never per request.
 *
 * <p>Across all rules of all routes attached to the listener that serve the request's Host:
 * <ol>
 *   <li>A model condition before none: a Kthena ModelRoute claims its model names on its
 *       listeners ahead of every HTTPRoute, as Kthena's router looks ModelRoutes up first
 *       (docs/adr/0029-kthena-objects.md).</li>
 *   <li>Exact path, then RegularExpression path (longer pattern first), then PathPrefix (more
 *       characters first). The Gateway API leaves regex precedence to implementations; ranking it
 *       above prefixes lets a regex beat the default {@code PathPrefix /} of another route.</li>
 *   <li>A method condition before none.</li>
 *   <li>More header conditions first, then more query conditions first.</li>
 *   <li>Hostname specificity: more characters in a matching exact hostname, then more characters
 *       in a matching hostname (so {@code a.example.com} before {@code *.example.com} before none).
 *       It comes after the match criteria, not first: the upstream conformance test
 *       HTTPRouteMatchingAcrossRoutes requires {@code example.com/v2} to reach a {@code *.com}
 *       route's {@code /v2} rule rather than an {@code example.com} route's {@code /} rule, so a
 *       less specific hostname is always consulted (no Envoy-style virtual-host isolation).</li>
 *   <li>The oldest route (creationTimestamp), then {@code namespace/name} alphabetically.</li>
 *   <li>Rule order within the route, then match order within the rule.</li>
 * </ol>
 */
public final class Precedence {

    /** The comparator: negative means "tried first". */
    public static final Comparator<Candidate> ORDER = Comparator.comparingInt(
                    (Candidate c) -> c.match().model().isPresent() ? 0 : 1)
            .thenComparingInt(c -> -pathRank(c.match().path()))
            .thenComparingInt(c -> -c.match().path().value().length())
            .thenComparingInt(c -> c.match().method().isPresent() ? 0 : 1)
            .thenComparingInt(c -> -c.match().headers().size())
            .thenComparingInt(c -> -c.match().query().size())
            .thenComparingInt(c -> -exactHostnameLength(c))
            .thenComparingInt(c -> -c.hostname().map(String::length).orElse(0))
            .thenComparing(Candidate::created)
            .thenComparing(c -> c.route().namespace() + "/" + c.route().name())
            .thenComparingInt(Candidate::ruleIndex)
            .thenComparingInt(Candidate::matchIndex);

    private Precedence() {}

    private static int pathRank(PathCondition p) {
        return switch (p) {
            case PathCondition.Exact e -> 3;
            case PathCondition.Regex r -> 2;
            case PathCondition.Prefix x -> 1;
        };
    }

    private static int exactHostnameLength(Candidate c) {
        return c.hostname()
                .filter(h -> !Hostnames.isWildcard(h))
                .map(String::length)
                .orElse(0);
    }
}
