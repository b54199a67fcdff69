package io.infergate.router.snapshot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The shared secret of the internal API. Only its SHA-256 digest is kept, and presented tokens are
 * compared digest to digest with {@link MessageDigest#isEqual} (constant time, and equal-length
 * inputs, so neither content nor length leaks through timing). The token is never logged and
 * {@link #toString} does not reveal it.
 */
public final class BearerToken implements Credentials {

    private final byte[] digest;

    /**
     * @param token the secret, already trimmed; must not be empty
     */
    public BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the bearer token must not be empty");
        }
        this.digest = sha256(token);
    }

    /** Whether an {@code Authorization} header value carries this token ({@code Bearer <token>}). */
    @Override
    public boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(value.substring(space + 1).trim()));
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
