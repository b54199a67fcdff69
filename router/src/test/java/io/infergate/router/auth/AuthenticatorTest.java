package io.infergate.router.auth;

import io.infergate.common.snapshot.AuthPolicy;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.infergate.router.auth.TestIssuer.claims;
import static io.infergate.router.auth.TestIssuer.jwk;
import static io.infergate.router.auth.TestIssuer.jwks;
import static io.infergate.router.auth.TestIssuer.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credential extraction, API keys, JWTs with rotation, and what an admitted request sends upstream. */
class AuthenticatorTest {
    private static final long NOW = 1_800_000_000L;
    private static final KeyPair OLD = TestIssuer.rsa(2048);
    private static final KeyPair NEW = TestIssuer.ec("secp256r1");

    private final AtomicReference<String> document = new AtomicReference<>(jwks(jwk("old", OLD, "RS256")));
    private final AtomicLong nanos = new AtomicLong();
    private final JwksSource source = new JwksSource(
            URI.create("http://127.0.0.1/jwks"),
            uri -> document.get(),
            new JwksSource.Settings(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(1)),
            nanos::get);
    private final Authenticator both = new Authenticator(
            "authpolicy/default/p",
            new ApiKeyTable(Map.of(ApiKeyTable.sha256("sk-team-a"), "team-a")),
            Optional.of(new Authenticator.Jwt(
                    new JwtVerifier.Rules(TestIssuer.ISSUER, List.of(TestIssuer.AUDIENCE), Duration.ofSeconds(30)),
                    source,
                    "sub",
                    List.of(
                            new AuthPolicy.ClaimHeader("email", "x-user-email"),
                            new AuthPolicy.ClaimHeader("groups", "x-user-groups")))),
            () -> Instant.ofEpochSecond(NOW));

    private static Outcome run(Authenticator a, Map<String, String> headers) {
        return a.authenticate(name -> Optional.ofNullable(headers.get(name)));
    }

    @Test
    void hashIsLowercaseHexSha256() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ApiKeyTable.sha256(""));
    }

    @Test
    void apiKeyInBearerOrXApiKey() {
        var bearer = assertInstanceOf(Outcome.Allowed.class, run(both, Map.of("authorization", "Bearer sk-team-a")));
        assertEquals("team-a", bearer.tenant());
        assertEquals("api-key", bearer.method());
        assertEquals(Map.of(Authenticator.TENANT_HEADER, "team-a"), bearer.set());
        assertTrue(bearer.strip()
                .containsAll(List.of("authorization", "x-api-key", "x-infergate-tenant", "x-user-email")));
        var header = assertInstanceOf(Outcome.Allowed.class, run(both, Map.of("x-api-key", "sk-team-a")));
        assertEquals("team-a", header.tenant());
        assertInstanceOf(
                Outcome.Allowed.class,
                run(both, Map.of("authorization", "bearer   sk-team-a ")),
                "the scheme is case-insensitive");
    }

    @Test
    void missingCredentialChallengesWithoutError() {
        var d = assertInstanceOf(Outcome.Denied.class, run(both, Map.of()));
        assertEquals("Bearer realm=\"infergate\"", d.wwwAuthenticate());
        var basic = assertInstanceOf(Outcome.Denied.class, run(both, Map.of("authorization", "Basic dXNlcjpwYXNz")));
        assertEquals("Bearer realm=\"infergate\"", basic.wwwAuthenticate(), "a non-bearer scheme is no credential");
    }

    @Test
    void wrongKeyIsInvalidTokenAndNotQuoted() {
        var d = assertInstanceOf(Outcome.Denied.class, run(both, Map.of("authorization", "Bearer sk-wrong-secret")));
        assertTrue(d.wwwAuthenticate().startsWith("Bearer realm=\"infergate\", error=\"invalid_token\""));
        assertFalse(
                d.message().contains("sk-wrong-secret") || d.wwwAuthenticate().contains("sk-wrong-secret"));
    }

    @Test
    void jwtMapsTenantAndClaimsToHeaders() {
        String token = sign(
                "RS256",
                "old",
                OLD.getPrivate(),
                claims("team-b", NOW)
                        .add("email", "b@example.com")
                        .add("groups", Json.createArrayBuilder().add("ml").add("ops"))
                        .build());
        var ok = assertInstanceOf(Outcome.Allowed.class, run(both, Map.of("authorization", "Bearer " + token)));
        assertEquals("team-b", ok.tenant());
        assertEquals("jwt", ok.method());
        assertEquals(
                Map.of("x-infergate-tenant", "team-b", "x-user-email", "b@example.com", "x-user-groups", "ml,ops"),
                ok.set());
    }

    @Test
    void rotationRefetchesOnUnknownKid() {
        String before =
                sign("RS256", "old", OLD.getPrivate(), claims("team-b", NOW).build());
        assertInstanceOf(Outcome.Allowed.class, run(both, Map.of("authorization", "Bearer " + before)));
        document.set(jwks(jwk("old", OLD, "RS256"), jwk("new", NEW, "ES256")));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        String after =
                sign("ES256", "new", NEW.getPrivate(), claims("team-b", NOW).build());
        assertInstanceOf(Outcome.Allowed.class, run(both, Map.of("authorization", "Bearer " + after)));
        assertEquals(2, source.fetches(), "one fetch at first use, one for the new kid");
    }

    @Test
    void tokenWithoutTenantClaimIsRefused() {
        String token = sign(
                "RS256",
                "old",
                OLD.getPrivate(),
                Json.createObjectBuilder(claims("x", NOW).build()).remove("sub").build());
        var d = assertInstanceOf(Outcome.Denied.class, run(both, Map.of("authorization", "Bearer " + token)));
        assertTrue(d.message().contains("'sub'"), d.message());
    }

    @Test
    void apiKeysOnlyPolicyRefusesTokens() {
        Authenticator keysOnly = new Authenticator(
                "authpolicy/default/k",
                new ApiKeyTable(Map.of(ApiKeyTable.sha256("k1"), "t")),
                Optional.empty(),
                Instant::now);
        String token =
                sign("RS256", "old", OLD.getPrivate(), claims("team-b", NOW).build());
        assertInstanceOf(Outcome.Denied.class, run(keysOnly, Map.of("authorization", "Bearer " + token)));
        assertInstanceOf(Outcome.Allowed.class, run(keysOnly, Map.of("authorization", "Bearer k1")));
    }

    @Test
    void claimTextLeavesOutObjectsAndControlCharacters() {
        assertEquals(
                Optional.empty(),
                Authenticator.claimText(Json.createObjectBuilder().add("a", 1).build()));
        assertEquals(Optional.empty(), Authenticator.claimText(Json.createValue("a\r\nx-forged: 1")));
        assertEquals(Optional.of("42"), Authenticator.claimText(Json.createValue(42)));
        assertEquals(Optional.of("true"), Authenticator.claimText(jakarta.json.JsonValue.TRUE));
    }
}
