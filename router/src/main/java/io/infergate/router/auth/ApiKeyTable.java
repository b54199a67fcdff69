package io.infergate.router.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * API keys by their SHA-256, each mapped to a tenant. The router never holds a key in plaintext:
 * the controller hashes the Secret's values before they enter the snapshot, and a presented key
 * is hashed here and looked up.
 *
 * <p>Rule: a lookup by hash needs no constant-time comparison, since an attacker who learns how
 * far a guess's hash matches a stored hash learns nothing about a key (SHA-256 is preimage
 * resistant). Keys are high-entropy secrets, so an unsalted hash is the right tool (a password
 * would need a slow salted hash; an API key does not).
 */
public final class ApiKeyTable {
    private final Map<String, String> tenantsByHash;

    /**
     * A table of hashed keys.
     *
     * @param tenantsByHash lowercase hex SHA-256 of each key → its tenant
     */
    public ApiKeyTable(Map<String, String> tenantsByHash) {
        this.tenantsByHash = Map.copyOf(tenantsByHash);
    }

    /** No keys: every presented key is refused. */
    public static ApiKeyTable empty() {
        return new ApiKeyTable(Map.of());
    }

    /** Whether the table holds no key at all. */
    public boolean isEmpty() {
        return tenantsByHash.isEmpty();
    }

    /** The tenant of the presented key, empty when the key is unknown. */
    public Optional<String> tenant(String presentedKey) {
        return Optional.ofNullable(tenantsByHash.get(sha256(presentedKey)));
    }

    /** Lowercase hex SHA-256 of the key's UTF-8 bytes: the form the controller ships. */
    public static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeyTable[" + tenantsByHash.size() + " keys]";
    }
}
