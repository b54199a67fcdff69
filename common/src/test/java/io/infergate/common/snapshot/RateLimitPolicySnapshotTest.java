package io.infergate.common.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RateLimitPolicies in the snapshot: the codec round-trips them, and the validator names each bad field. */
class RateLimitPolicySnapshotTest {
    private static final String ROUTE = HttpRoute.idOf("default", "kthena-demo-route");

    private static RateLimitPolicy.Limit limit(long tokens, long requests, List<String> tenants) {
        return new RateLimitPolicy.Limit(
                RateLimitPolicy.Scope.GLOBAL, RateLimitPolicy.Unit.MINUTE, tokens, requests, tenants, List.of("m"));
    }

    private static RateLimitPolicy policy(List<String> targets, RateLimitPolicy.Limit... limits) {
        return new RateLimitPolicy(
                RateLimitPolicy.idOf("default", "limits"),
                targets,
                RateLimitPolicy.FailureMode.CLOSED,
                List.of(limits));
    }

    private static Snapshot with(RateLimitPolicy... policies) {
        Snapshot s = Samples.full();
        return new Snapshot(
                s.schemaVersion(),
                s.gateways(),
                s.routes(),
                s.backends(),
                s.objectives(),
                s.routers(),
                s.certificates(),
                s.authPolicies(),
                List.of(policies));
    }

    @Test
    void roundTripsAndIsValid() {
        Snapshot s = with(policy(
                List.of(ROUTE),
                limit(1000, 0, List.of()),
                new RateLimitPolicy.Limit(
                        RateLimitPolicy.Scope.LOCAL, RateLimitPolicy.Unit.DAY, 0, 5, List.of("team-a"), List.of())));
        var decoded = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(SnapshotJson.toJson(s)));
        assertEquals(s, decoded.snapshot());
        assertEquals(List.of(), SnapshotValidator.validate(s));
        assertTrue(s.toString().contains("1 rate limit policies"));
    }

    @Test
    void absentWhenEmptySoOlderIdsStay() {
        assertFalse(SnapshotJson.toJson(Samples.full()).contains("rateLimitPolicies"));
        assertEquals(SnapshotJson.contentId(Samples.full()), SnapshotJson.contentId(with()));
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of(
                        "target missing from the snapshot",
                        policy(List.of("httproute/default/nope"), limit(1, 0, List.of())),
                        "/rateLimitPolicies/0/targets/0"),
                Arguments.of("no target", policy(List.of(), limit(1, 0, List.of())), "/rateLimitPolicies/0/targets"),
                Arguments.of("no limit", policy(List.of(ROUTE)), "/rateLimitPolicies/0/limits"),
                Arguments.of(
                        "neither tokens nor requests",
                        policy(List.of(ROUTE), limit(0, 0, List.of())),
                        "/rateLimitPolicies/0/limits/0"),
                Arguments.of(
                        "negative count",
                        policy(List.of(ROUTE), limit(-1, 3, List.of())),
                        "/rateLimitPolicies/0/limits/0"),
                Arguments.of(
                        "blank tenant",
                        policy(List.of(ROUTE), limit(1, 0, List.of(" "))),
                        "/rateLimitPolicies/0/limits/0/tenants"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void violationsNameTheField(String reason, RateLimitPolicy p, String path) {
        List<Violation> v = SnapshotValidator.validate(with(p));
        assertTrue(v.stream().anyMatch(x -> x.path().equals(path)), reason + ": " + v);
    }

    @Test
    void aTargetInTwoPoliciesIsRefused() {
        RateLimitPolicy a = policy(List.of(ROUTE), limit(1, 0, List.of()));
        RateLimitPolicy b = new RateLimitPolicy(
                RateLimitPolicy.idOf("default", "other"), List.of(ROUTE), RateLimitPolicy.FailureMode.OPEN, a.limits());
        List<Violation> v = SnapshotValidator.validate(with(a, b));
        assertTrue(v.stream().anyMatch(x -> x.message().contains("already targeted")), v.toString());
    }
}
