package io.infergate.common.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AuthPolicies in the snapshot: the codec round-trips them, and the validator names each bad field. */
class AuthPolicySnapshotTest {
    private static final String ROUTE = HttpRoute.idOf("default", "kthena-demo-route");
    private static final String GATEWAY = Gateway.idOf("default", "inference-gateway");
    private static final String HASH = "a".repeat(64);

    private static AuthPolicy policy() {
        return new AuthPolicy(
                AuthPolicy.idOf("default", "llm-auth"),
                List.of(ROUTE),
                List.of(new AuthPolicy.ApiKey(HASH, "team-a")),
                Optional.of(new AuthPolicy.Jwt(
                        "https://issuer.example",
                        List.of("llm"),
                        "https://issuer.example/jwks.json",
                        "sub",
                        List.of(new AuthPolicy.ClaimHeader("email", "x-user-email")))));
    }

    private static Snapshot with(AuthPolicy... policies) {
        Snapshot s = Samples.full();
        return new Snapshot(
                s.schemaVersion(),
                s.gateways(),
                s.routes(),
                s.backends(),
                s.objectives(),
                s.routers(),
                s.certificates(),
                List.of(policies));
    }

    @Test
    void roundTripsAndIsValid() {
        Snapshot s = with(policy());
        var decoded = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(SnapshotJson.toJson(s)));
        assertEquals(s, decoded.snapshot());
        assertEquals(List.of(), SnapshotValidator.validate(s));
    }

    @Test
    void absentWhenEmptySoOlderIdsStay() {
        assertFalse(SnapshotJson.toJson(Samples.full()).contains("authPolicies"));
        assertEquals(SnapshotJson.contentId(Samples.full()), SnapshotJson.contentId(with()));
    }

    @Test
    void toStringCountsPolicies() {
        assertTrue(with(policy()).toString().contains("1 auth policies"));
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                row(
                        "target missing from the snapshot",
                        p -> copy(p, List.of("httproute/default/nope"), null, null),
                        "/authPolicies/0/targets/0"),
                row(
                        "hash not 64 lowercase hex",
                        p -> copy(p, null, List.of(new AuthPolicy.ApiKey("ABC", "t")), null),
                        "/authPolicies/0/apiKeys/0/sha256"),
                row(
                        "blank tenant",
                        p -> copy(p, null, List.of(new AuthPolicy.ApiKey(HASH, " ")), null),
                        "/authPolicies/0/apiKeys/0/tenant"),
                row(
                        "JWKS URL not http(s)",
                        p -> copy(p, null, null, jwt(p, "file:///etc/jwks.json", "x-user-email")),
                        "/authPolicies/0/jwt/jwksUri"),
                row(
                        "JWKS URL without host",
                        p -> copy(p, null, null, jwt(p, "https:///jwks", "x-user-email")),
                        "/authPolicies/0/jwt/jwksUri"),
                row(
                        "claim copied into the credential header",
                        p -> copy(p, null, null, jwt(p, "https://issuer.example/jwks", "Authorization")),
                        "/authPolicies/0/jwt/claimHeaders/0/header"),
                row(
                        "claim header that is no header name",
                        p -> copy(p, null, null, jwt(p, "https://issuer.example/jwks", "x user")),
                        "/authPolicies/0/jwt/claimHeaders/0/header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void violation(String why, UnaryOperator<AuthPolicy> change, String path) {
        List<Violation> v = SnapshotValidator.validate(with(change.apply(policy())));
        assertTrue(v.stream().anyMatch(x -> x.path().equals(path)), why + ": " + v);
    }

    @Test
    void oneTargetInOnePolicyOnly() {
        AuthPolicy second = new AuthPolicy(
                AuthPolicy.idOf("default", "second"), List.of(ROUTE, GATEWAY), policy().apiKeys(), Optional.empty());
        List<Violation> v = SnapshotValidator.validate(with(policy(), second));
        assertEquals(
                List.of("/authPolicies/1/targets/0"),
                v.stream().map(Violation::path).toList(),
                v.toString());
    }

    private static Arguments row(String why, UnaryOperator<AuthPolicy> change, String path) {
        return Arguments.of(why, change, path);
    }

    private static AuthPolicy copy(
            AuthPolicy p, List<String> targets, List<AuthPolicy.ApiKey> keys, AuthPolicy.Jwt jwt) {
        return new AuthPolicy(
                p.id(),
                targets != null ? targets : p.targets(),
                keys != null ? keys : new ArrayList<>(p.apiKeys()),
                jwt != null ? Optional.of(jwt) : p.jwt());
    }

    private static AuthPolicy.Jwt jwt(AuthPolicy p, String uri, String header) {
        AuthPolicy.Jwt j = p.jwt().orElseThrow();
        return new AuthPolicy.Jwt(
                j.issuer(), j.audiences(), uri, j.tenantClaim(), List.of(new AuthPolicy.ClaimHeader("email", header)));
    }
}
