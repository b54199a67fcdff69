package io.infergate.router.auth;

import io.infergate.common.json.JsonLimits;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Verifies a compact JWS token (RFC 7515/7519) against a key set and the policy's rules. Pure:
 * the key set and the time come in, a verdict goes out.
 *
 * <p>Rules, in order: at most {@link #MAX_TOKEN_CHARS} characters in three base64url parts; the
 * header's {@code alg} is one of {@link Algorithm} (so {@code none} and HMAC are refused) and it
 * names no {@code crit} extension; a key of the token's {@code kid} (any key when the token has
 * none) whose type, curve and own {@code alg} fit the token's {@code alg} verifies the signature,
 * and no such key with that {@code kid} gives {@link Verdict.UnknownKey} so the caller can refetch
 * the JWKS; then {@code iss} equals the issuer, {@code aud} (a string or an array) contains one
 * of the audiences when any are configured, {@code exp} is present and not passed and
 * {@code nbf}, when present, has come, both with {@link Rules#clockSkew} of tolerance.
 */
public final class JwtVerifier {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Tokens longer than this are refused before any decoding: real ones are well under 4 KiB. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private JwtVerifier() {}

    /**
     * The claims a token must satisfy.
     *
     * @param issuer    the exact {@code iss}
     * @param audiences accepted {@code aud} values; empty means {@code aud} is not checked
     * @param clockSkew the tolerance on {@code exp} and {@code nbf}
     */
    public record Rules(String issuer, List<String> audiences, Duration clockSkew) {
        public Rules {
            audiences = List.copyOf(audiences);
        }
    }

    /** The outcome of one verification. */
    public sealed interface Verdict {
        /** The token is genuine and its claims hold. */
        record Valid(JsonObject claims) implements Verdict {}

        /** No key of the set has the token's {@code kid}: the set may be stale. */
        record UnknownKey(String kid) implements Verdict {}

        /** The token is refused; the reason names no claim value and never quotes the token. */
        record Rejected(String reason) implements Verdict {}
    }

    /** Verifies {@code token} with {@code keys} at {@code now}. */
    public static Verdict verify(String token, KeySet keys, Rules rules, Instant now) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return new Verdict.Rejected("the token is too long");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            return new Verdict.Rejected("the token is not a compact JWS (three dot-separated parts)");
        }
        Optional<JsonObject> header = json(token.substring(0, dot1));
        Optional<JsonObject> claims = json(token.substring(dot1 + 1, dot2));
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot2 + 1));
        } catch (IllegalArgumentException e) {
            return new Verdict.Rejected("the token's signature is not base64url");
        }
        if (header.isEmpty() || claims.isEmpty()) {
            return new Verdict.Rejected("the token's header or payload is not base64url JSON");
        }
        String algName = text(header.get(), "alg");
        Optional<Algorithm> alg = Algorithm.of(algName);
        if (alg.isEmpty()) {
            return new Verdict.Rejected("the token's algorithm is not allowed (RS256, RS384, RS512, ES256, ES384)");
        }
        if (header.get().containsKey("crit")) {
            return new Verdict.Rejected("the token names critical header extensions this gateway does not understand");
        }
        Optional<String> kid =
                header.get().get("kid") instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
        List<KeySet.Key> candidates = keys.candidates(kid, alg.get());
        if (candidates.isEmpty()) {
            if (kid.isPresent() && !keys.hasKid(kid.get())) {
                return new Verdict.UnknownKey(kid.get());
            }
            return new Verdict.Rejected("no key of the issuer's key set fits the token's kid and algorithm");
        }
        if (alg.get().signatureLen > 0 && signature.length != alg.get().signatureLen) {
            return new Verdict.Rejected("the token's signature has the wrong length");
        }
        byte[] signed = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        if (!verified(alg.get(), candidates, signed, signature)) {
            return new Verdict.Rejected("the token's signature does not verify");
        }
        return claimsHold(claims.get(), rules, now);
    }

    private static boolean verified(Algorithm alg, List<KeySet.Key> keys, byte[] signed, byte[] signature) {
        for (KeySet.Key k : keys) {
            try {
                Signature s = Signature.getInstance(alg.jcaName);
                s.initVerify(k.key());
                s.update(signed);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature for this key type: try the next key, refuse if none verifies
            }
        }
        return false;
    }

    private static Verdict claimsHold(JsonObject claims, Rules rules, Instant now) {
        if (!rules.issuer().equals(text(claims, "iss"))) {
            return new Verdict.Rejected("the token's issuer is not accepted");
        }
        if (!rules.audiences().isEmpty() && !audienceMatches(claims.get("aud"), rules.audiences())) {
            return new Verdict.Rejected("the token's audience is not accepted");
        }
        long skew = rules.clockSkew().toSeconds();
        Optional<Long> exp = seconds(claims, "exp");
        if (exp.isEmpty()) {
            return new Verdict.Rejected("the token has no expiry (exp)");
        }
        if (now.getEpochSecond() > exp.get() + skew) {
            return new Verdict.Rejected("the token has expired");
        }
        Optional<Long> nbf = seconds(claims, "nbf");
        if (nbf.isPresent() && now.getEpochSecond() < nbf.get() - skew) {
            return new Verdict.Rejected("the token is not valid yet (nbf)");
        }
        return new Verdict.Valid(claims);
    }

    private static boolean audienceMatches(JsonValue aud, List<String> accepted) {
        if (aud instanceof JsonString s) {
            return accepted.contains(s.getString());
        }
        if (aud instanceof JsonArray a) {
            return a.stream().anyMatch(v -> v instanceof JsonString s && accepted.contains(s.getString()));
        }
        return false;
    }

    private static Optional<Long> seconds(JsonObject claims, String name) {
        return claims.get(name) instanceof JsonNumber n ? Optional.of(n.longValue()) : Optional.empty();
    }

    private static Optional<JsonObject> json(String part) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
            if (JsonLimits.tooDeep(text, JsonLimits.MAX_SNAPSHOT_DEPTH)) {
                return Optional.empty();
            }
            try (var reader = JSON.createReader(new StringReader(text))) {
                return Optional.of(reader.readObject());
            }
        } catch (RuntimeException e) { // bad base64, not JSON, not an object
            return Optional.empty();
        }
    }

    private static String text(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : "";
    }
}
