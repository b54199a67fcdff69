package io.infergate.controller.decode;

import io.infergate.controller.model.ExternalProviderObject;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decodes ExternalProviders and the provider-key Secrets they name.
 *
 * <p>Rules: {@code spec.baseUrl} and {@code spec.apiKeySecretRef.name} are required (the CRD
 * requires them too); whether the URL is usable is the translator's question, so a bad URL gives a
 * condition on the object rather than a decode failure. A provider-key Secret's values are trimmed
 * (a trailing newline from {@code --from-file} is not part of a key); error messages name the
 * entry, never its value.
 */
final class ProviderDecoder {

    private ProviderDecoder() {}

    static ExternalProviderObject externalProvider(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        String baseUrl = spec.field("baseUrl").string("");
        if (baseUrl.isBlank()) {
            throw new DecodeException("spec.baseUrl", "is required");
        }
        TreeNode ref = spec.field("apiKeySecretRef");
        String secret = ref.field("name").string("");
        if (secret.isBlank()) {
            throw new DecodeException("spec.apiKeySecretRef.name", "is required");
        }
        return new ExternalProviderObject(
                meta,
                baseUrl.strip(),
                secret,
                ref.field("key").string("apiKey"),
                spec.field("caCertificateRefs").list().stream()
                        .map(r -> r.field("name").string())
                        .toList());
    }

    /** A Secret of type {@link Secret#PROVIDER_KEY}: its entries from {@code data} and {@code stringData}. */
    static Secret providerKeySecret(TreeNode root, ObjectMeta meta, String type) {
        Map<String, String> keys = new TreeMap<>();
        root.field("data").stringMap().forEach((name, b64) -> {
            try {
                keys.put(name, new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8).strip());
            } catch (IllegalArgumentException e) {
                throw new DecodeException("data." + name, "is not base64"); // never quotes the value
            }
        });
        root.field("stringData").stringMap().forEach((name, key) -> keys.put(name, key.strip()));
        return new Secret(meta, type, Optional.empty(), Optional.empty(), Map.of(), keys);
    }
}
