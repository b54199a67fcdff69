package io.infergate.controller.model;

import java.util.Map;
import java.util.Optional;

/**
 * A Secret, as far as a Gateway listener's {@code tls.certificateRefs} reads one: its type and,
 * for {@code kubernetes.io/tls}, the PEM of {@code tls.crt} and {@code tls.key}. Other keys are
 * not kept. The key is secret: {@link #toString()} leaves it out, and nothing logs it.
 *
 * @param type           {@code type} as written ({@code Opaque} when absent)
 * @param certificateChain {@code tls.crt} decoded, when the type is {@code kubernetes.io/tls}
 * @param privateKey     {@code tls.key} decoded, when the type is {@code kubernetes.io/tls}
 * @param apiKeyHashes   for {@link #API_KEYS}: tenant (the data key) → lowercase hex SHA-256 of
 *                       its API key. The decoder hashes the values as it reads them, so no
 *                       plaintext key is kept.
 * @param providerKeys   for {@link #PROVIDER_KEY}: data key → the value, trimmed. These are
 *                       credentials the routers must send, so they are kept as they are, and
 *                       travel only in snapshots (docs/adr/0033-external-providers.md).
 */
public record Secret(
        ObjectMeta meta,
        String type,
        Optional<String> certificateChain,
        Optional<String> privateKey,
        Map<String, String> apiKeyHashes,
        Map<String, String> providerKeys)
        implements KubeObject {

    /** The type whose Secrets can serve as listener certificates. */
    public static final String TLS = "kubernetes.io/tls";

    /**
     * The type whose Secrets hold API keys for AuthPolicies: each data key names a tenant, its
     * value is that tenant's API key (docs/adr/0024-authentication-policy.md).
     */
    public static final String API_KEYS = "infergate.io/api-keys";

    /**
     * The type whose Secrets hold the key an ExternalProvider sends ({@code apiKey} unless the
     * provider's {@code apiKeySecretRef.key} names another entry).
     */
    public static final String PROVIDER_KEY = "infergate.io/provider-key";

    public Secret {
        apiKeyHashes = apiKeyHashes == null ? Map.of() : Map.copyOf(apiKeyHashes);
        providerKeys = providerKeys == null ? Map.of() : Map.copyOf(providerKeys);
    }

    /** A Secret with API-key hashes and no provider keys. */
    public Secret(
            ObjectMeta meta,
            String type,
            Optional<String> certificateChain,
            Optional<String> privateKey,
            Map<String, String> apiKeyHashes) {
        this(meta, type, certificateChain, privateKey, apiKeyHashes, Map.of());
    }

    /** A Secret without API keys. */
    public Secret(ObjectMeta meta, String type, Optional<String> certificateChain, Optional<String> privateKey) {
        this(meta, type, certificateChain, privateKey, Map.of(), Map.of());
    }

    @Override
    public String toString() {
        return "Secret[" + meta.path() + ", type " + type + ", data redacted]";
    }
}
