package io.infergate.router.auth;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.infergate.router.auth.TestIssuer.claims;
import static io.infergate.router.auth.TestIssuer.jwk;
import static io.infergate.router.auth.TestIssuer.jwks;
import static io.infergate.router.auth.TestIssuer.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The verification rules, one behaviour per row; every row says which verdict it expects and why. */
class JwtVerifierTest {
    private static final long NOW = 1_800_000_000L;
    private static final KeyPair RSA = TestIssuer.rsa(2048);
    private static final KeyPair OTHER_RSA = TestIssuer.rsa(2048);
    private static final KeyPair P256 = TestIssuer.ec("secp256r1");
    private static final KeyPair P384 = TestIssuer.ec("secp384r1");
    private static final KeySet KEYS = keys();
    private static final JwtVerifier.Rules RULES =
            new JwtVerifier.Rules(TestIssuer.ISSUER, List.of(TestIssuer.AUDIENCE, "other"), Duration.ofSeconds(30));

    private static KeySet keys() {
        try {
            return KeySet.parse(jwks(
                    jwk("rsa", RSA, "RS256"),
                    jwk("rsa-any", RSA, null),
                    jwk("p256", P256, "ES256"),
                    jwk("p384", P384, null),
                    jwk("small", TestIssuer.rsa(1024), null))); // under 2048 bits: skipped
        } catch (KeySet.Invalid e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject base() {
        return claims("team-a", NOW).build();
    }

    private static JsonObject with(Function<jakarta.json.JsonObjectBuilder, jakarta.json.JsonObjectBuilder> change) {
        return change.apply(Json.createObjectBuilder(base())).build();
    }

    static Stream<Arguments> cases() {
        String hs256 = hmacWithPublicKey();
        return Stream.of(
                row("RS256 with the JWK's own alg verifies", sign("RS256", "rsa", RSA.getPrivate(), base()), "valid"),
                row(
                        "RS512 on an RSA key without alg verifies",
                        sign("RS512", "rsa-any", RSA.getPrivate(), base()),
                        "valid"),
                row(
                        "RS384 under a kid whose JWK says RS256 is refused (the key's alg binds)",
                        sign("RS384", "rsa", RSA.getPrivate(), base()),
                        "rejected"),
                row("ES256 verifies (P1363 R||S)", sign("ES256", "p256", P256.getPrivate(), base()), "valid"),
                row("ES384 verifies", sign("ES384", "p384", P384.getPrivate(), base()), "valid"),
                row(
                        "ES384 claimed on the P-256 key is refused (curve must fit)",
                        sign("ES384", "p256", P384.getPrivate(), base()),
                        "rejected"),
                row(
                        "alg none is refused",
                        TestIssuer.raw("{\"alg\":\"none\",\"kid\":\"rsa\"}", base().toString(), new byte[0]),
                        "rejected"),
                row("HS256 keyed with the RSA public key is refused (algorithm confusion)", hs256, "rejected"),
                row(
                        "a signature by another key under a known kid is refused",
                        sign("RS256", "rsa", OTHER_RSA.getPrivate(), base()),
                        "rejected"),
                row(
                        "an unknown kid asks for a refetch",
                        sign("RS256", "rotated", OTHER_RSA.getPrivate(), base()),
                        "unknown"),
                row(
                        "a key under 2048 bits was skipped, so its kid is unknown",
                        sign("RS256", "small", RSA.getPrivate(), base()),
                        "unknown"),
                row(
                        "expired 31 s ago is beyond the 30 s skew",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("exp", NOW - 31))),
                        "rejected"),
                row(
                        "expired 29 s ago is within the skew",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("exp", NOW - 29))),
                        "valid"),
                row(
                        "no exp is refused",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.remove("exp"))),
                        "rejected"),
                row(
                        "nbf 60 s ahead is refused",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("nbf", NOW + 60))),
                        "rejected"),
                row(
                        "nbf 20 s ahead is within the skew",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("nbf", NOW + 20))),
                        "valid"),
                row(
                        "a wrong audience is refused",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("aud", "someone-else"))),
                        "rejected"),
                row(
                        "an audience array with one accepted value passes",
                        sign(
                                "RS256",
                                "rsa",
                                RSA.getPrivate(),
                                with(b -> b.add(
                                        "aud",
                                        Json.createArrayBuilder().add("x").add("other")))),
                        "valid"),
                row(
                        "a wrong issuer is refused",
                        sign("RS256", "rsa", RSA.getPrivate(), with(b -> b.add("iss", "https://evil.test"))),
                        "rejected"),
                row(
                        "a crit header is refused",
                        TestIssuer.raw(
                                "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"crit\":[\"b64\"]}",
                                base().toString(),
                                new byte[256]),
                        "rejected"),
                row("two parts are not a JWS", "a.b", "rejected"),
                row(
                        "a tampered payload is refused",
                        tamper(sign("RS256", "rsa", RSA.getPrivate(), base())),
                        "rejected"),
                row("an oversized token is refused before decoding", "a".repeat(20_000) + ".b.c", "rejected"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdicts(String why, String token, String expected) {
        JwtVerifier.Verdict v = JwtVerifier.verify(token, KEYS, RULES, Instant.ofEpochSecond(NOW));
        Class<? extends JwtVerifier.Verdict> type = switch (expected) {
            case "valid" -> JwtVerifier.Verdict.Valid.class;
            case "unknown" -> JwtVerifier.Verdict.UnknownKey.class;
            default -> JwtVerifier.Verdict.Rejected.class;
        };
        assertInstanceOf(type, v, why + ": " + v);
        if (v instanceof JwtVerifier.Verdict.Valid ok) {
            assertEquals("team-a", ok.claims().getString("sub"));
        }
    }

    private static Arguments row(String why, String token, String expected) {
        return Arguments.of(why, token, expected);
    }

    /** HS256 over the header and payload, keyed with the RSA public key's encoding: what an alg-confusion attacker sends. */
    private static String hmacWithPublicKey() {
        try {
            String input = TestIssuer.b64("{\"alg\":\"HS256\",\"kid\":\"rsa\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + TestIssuer.b64(base().toString().getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(RSA.getPublic().getEncoded(), "HmacSHA256"));
            return input + "." + TestIssuer.b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload =
                TestIssuer.b64(with(b -> b.add("sub", "team-b")).toString().getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }
}
