package io.infergate.router.auth;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** A token issuer for tests: key pairs, their JWKS entries and signed compact JWS tokens. */
public final class TestIssuer {
    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "llm";

    private TestIssuer() {}

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An EC key pair on {@code secp256r1} or {@code secp384r1}. */
    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK of a key pair ({@code alg} omitted when null). */
    public static String jwk(String kid, KeyPair pair, String alg) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("kid", kid).add("use", "sig");
        if (alg != null) {
            b.add("alg", alg);
        }
        if (pair.getPublic() instanceof RSAPublicKey r) {
            b.add("kty", "RSA").add("n", b64(unsigned(r.getModulus()))).add("e", b64(unsigned(r.getPublicExponent())));
        } else if (pair.getPublic() instanceof ECPublicKey e) {
            int size = (e.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            b.add("kty", "EC")
                    .add("crv", size == 32 ? "P-256" : "P-384")
                    .add("x", b64(pad(unsigned(e.getW().getAffineX()), size)))
                    .add("y", b64(pad(unsigned(e.getW().getAffineY()), size)));
        }
        return b.build().toString();
    }

    public static String jwks(String... jwks) {
        return "{\"keys\":[" + String.join(",", jwks) + "]}";
    }

    /** Standard claims for {@code sub}, valid for an hour from {@code nowSeconds}. */
    public static JsonObjectBuilder claims(String sub, long nowSeconds) {
        return Json.createObjectBuilder()
                .add("iss", ISSUER)
                .add("aud", AUDIENCE)
                .add("sub", sub)
                .add("iat", nowSeconds)
                .add("exp", nowSeconds + 3600);
    }

    /** A token signed by {@code key} with {@code alg} (JCA names derived from it). */
    public static String sign(String alg, String kid, PrivateKey key, JsonObject claims) {
        String header = Json.createObjectBuilder()
                .add("alg", alg)
                .add("typ", "JWT")
                .add("kid", kid)
                .build()
                .toString();
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance(Algorithm.valueOf(alg).jcaName);
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token with any header, payload and signature bytes (for forgeries). */
    public static String raw(String headerJson, String payloadJson, byte[] signature) {
        return b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + b64(signature);
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String kids(KeySet set) {
        return set.keys().stream().map(KeySet.Key::kid).collect(Collectors.joining(","));
    }

    static List<String> list(String... s) {
        return List.of(s);
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] pad(byte[] b, int size) {
        if (b.length >= size) {
            return b;
        }
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }
}
