package io.infergate.router.auth;

import java.util.Optional;

/**
 * The JWS algorithms a token may be signed with: RSA PKCS#1 v1.5 and ECDSA on P-256/P-384.
 *
 * <p>Rule: this list is closed. {@code none} and the HMAC family are refused because a gateway
 * that verifies with public keys must never accept a token "signed" with no key or with a public
 * key used as an HMAC secret (the classic algorithm-confusion attack). PS* and EdDSA are left out
 * until an issuer needs them.
 */
enum Algorithm {
    RS256("SHA256withRSA", "RSA", "", 0),
    RS384("SHA384withRSA", "RSA", "", 0),
    RS512("SHA512withRSA", "RSA", "", 0),
    ES256("SHA256withECDSAinP1363Format", "EC", "P-256", 64),
    ES384("SHA384withECDSAinP1363Format", "EC", "P-384", 96);

    /** The {@link java.security.Signature} algorithm (ECDSA in the JOSE R||S form). */
    final String jcaName;
    /** The JWK {@code kty} a key must have. */
    final String keyType;
    /** The JWK {@code crv} an EC key must have (empty for RSA). */
    final String curve;
    /** The exact signature length in bytes for ECDSA (R||S), 0 for RSA. */
    final int signatureLen;

    Algorithm(String jcaName, String keyType, String curve, int signatureLen) {
        this.jcaName = jcaName;
        this.keyType = keyType;
        this.curve = curve;
        this.signatureLen = signatureLen;
    }

    /** The algorithm named by a token's {@code alg} header, empty when it is not allowed. */
    static Optional<Algorithm> of(String alg) {
        for (Algorithm a : values()) {
            if (a.name().equals(alg)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
