package io.infergate.router.match;

import io.infergate.common.gatewayapi.Hostnames;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Rule;

import java.time.Instant;
import java.util.Optional;

/**
 * One (route hostname, rule, match) combination on one listener: the unit that precedence orders.
 *
 * @param route      the route
 * @param created    the route's creation time (precedence tie-break)
 * @param rule       the rule
 * @param ruleIndex  the rule's index in the route
 * @param matchIndex the match's index in the rule
 * @param match      the compiled match
 * @param hostname   the route hostname intersected with the listener hostname; empty when neither
 *                   has one (matches every Host)
 */
public record Candidate(
        HttpRoute route,
        Instant created,
        Rule rule,
        int ruleIndex,
        int matchIndex,
        CompiledMatch match,
        Optional<String> hostname) {

    /** Whether the (normalized) Host is one this candidate serves. */
    public boolean servesHost(String host) {
        return hostname.isEmpty() || Hostnames.matches(hostname.get(), host);
    }
}
