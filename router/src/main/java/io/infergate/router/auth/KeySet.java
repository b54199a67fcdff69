package io.infergate.router.auth;

import io.infergate.common.json.JsonLimits;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The signature keys of one JWKS document (RFC 7517), as JDK public keys.
 *
 * <p>Rules: only {@code RSA} keys of at least 2048 bits and {@code EC} keys on P-256 or P-384 are
 * kept; keys marked for encryption ({@code use: enc}), other key types and keys that do not parse
 * are skipped, so one odd key never hides the good ones. A document that is not a JWKS at all is
 * refused ({@link Invalid}), and the caller keeps its last good set.
 */
public record KeySet(List<Key> keys) {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final int MIN_RSA_BITS = 2048;

    /** The largest JWKS document read: real ones are a few KiB. */
    static final int MAX_CHARS = 512 * 1024;

    public KeySet {
        keys = List.copyOf(keys);
    }

    /** No keys: every token is refused as signed by an unknown key. */
    public static KeySet empty() {
        return new KeySet(List.of());
    }

    /**
     * One verification key.
     *
     * @param kid   the key id, empty when the JWK has none
     * @param kty   {@code RSA} or {@code EC}
     * @param curve {@code P-256} or {@code P-384} for EC, empty for RSA
     * @param alg   the JWK's {@code alg} when it names one: a token must then use exactly it
     * @param key   the public key
     */
    public record Key(String kid, String kty, String curve, Optional<String> alg, PublicKey key) {}

    /** Why a document is not a JWKS. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** The keys a token with this {@code kid} (empty: none) may be verified with under {@code alg}. */
    List<Key> candidates(Optional<String> kid, Algorithm alg) {
        List<Key> out = new ArrayList<>(2);
        for (Key k : keys) {
            boolean kidMatches = kid.map(id -> id.equals(k.kid())).orElse(true);
            if (kidMatches
                    && k.kty().equals(alg.keyType)
                    && k.curve().equals(alg.curve)
                    && k.alg().map(a -> a.equals(alg.name())).orElse(true)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Whether some key has this id (whatever its type). */
    boolean hasKid(String kid) {
        return keys.stream().anyMatch(k -> k.kid().equals(kid));
    }

    /** Parses a JWKS document. */
    public static KeySet parse(String json) throws Invalid {
        if (json.length() > MAX_CHARS) {
            throw new Invalid("the JWKS document exceeds " + MAX_CHARS + " characters");
        }
        if (JsonLimits.tooDeep(json, JsonLimits.MAX_SNAPSHOT_DEPTH)) {
            throw new Invalid(JsonLimits.tooDeepMessage(JsonLimits.MAX_SNAPSHOT_DEPTH));
        }
        JsonObject root;
        try (var reader = JSON.createReader(new StringReader(json))) {
            root = reader.readObject();
        } catch (RuntimeException e) {
            throw new Invalid("the JWKS document is not a JSON object");
        }
        if (!(root.get("keys") instanceof JsonArray array)) {
            throw new Invalid("the JWKS document has no \"keys\" array");
        }
        List<Key> keys = new ArrayList<>();
        for (JsonValue v : array) {
            if (v instanceof JsonObject jwk) {
                key(jwk).ifPresent(keys::add);
            }
        }
        return new KeySet(keys);
    }

    private static Optional<Key> key(JsonObject jwk) {
        String use = text(jwk, "use");
        if (!use.isEmpty() && !use.equals("sig")) {
            return Optional.empty();
        }
        String kid = text(jwk, "kid");
        Optional<String> alg = text(jwk, "alg").isEmpty() ? Optional.empty() : Optional.of(text(jwk, "alg"));
        try {
            return switch (text(jwk, "kty")) {
                case "RSA" -> {
                    PublicKey k = KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")));
                    yield ((RSAPublicKey) k).getModulus().bitLength() < MIN_RSA_BITS
                            ? Optional.empty()
                            : Optional.of(new Key(kid, "RSA", "", alg, k));
                }
                case "EC" -> {
                    String crv = text(jwk, "crv");
                    String stdName = switch (crv) {
                        case "P-256" -> "secp256r1";
                        case "P-384" -> "secp384r1";
                        default -> "";
                    };
                    if (stdName.isEmpty()) {
                        yield Optional.empty();
                    }
                    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                    params.init(new ECGenParameterSpec(stdName));
                    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
                    PublicKey k = KeyFactory.getInstance("EC")
                            .generatePublic(
                                    new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), spec));
                    yield Optional.of(new Key(kid, "EC", crv, alg, k));
                }
                default -> Optional.empty();
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty(); // a key that does not parse is skipped, the others still serve
        }
    }

    private static BigInteger unsigned(JsonObject jwk, String field) {
        String s = text(jwk, field);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(s));
    }

    private static String text(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : "";
    }

    @Override
    public String toString() {
        return "KeySet" + keys.stream().map(Key::kid).toList();
    }
}
