package io.infergate.controller.decode;

import io.infergate.controller.model.AuthPolicyObject;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decodes AuthPolicy objects and the API-key Secrets they name.
 *
 * <p>Rules: {@code spec.targetRefs} needs at least one entry (the CRD requires it too);
 * {@code spec.jwt.tenantClaim} defaults to {@code sub}; an API-key Secret's values are hashed
 * with SHA-256 here, as they are read, so the controller keeps no plaintext key and nothing
 * downstream (snapshot, status, logs, admin view) can show one. Values are trimmed first (a
 * trailing newline from {@code kubectl create secret --from-file} is not part of a key); empty
 * values are left out.
 */
final class PolicyDecoder {

    static final String API_VERSION = "infergate.io/v1alpha1";

    private PolicyDecoder() {}

    static AuthPolicyObject authPolicy(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<AuthPolicyObject.TargetRef> targets = spec.field("targetRefs").list().stream()
                .map(t -> new AuthPolicyObject.TargetRef(
                        t.field("group").string(),
                        t.field("kind").string(),
                        t.field("name").string()))
                .toList();
        if (targets.isEmpty()) {
            throw new DecodeException("spec.targetRefs", "needs at least one Gateway or HTTPRoute");
        }
        List<String> secrets = spec.field("apiKeys").field("secretRefs").list().stream()
                .map(r -> r.field("name").string())
                .toList();
        TreeNode jwt = spec.field("jwt");
        Optional<AuthPolicyObject.Jwt> provider = jwt.isMissing()
                ? Optional.empty()
                : Optional.of(new AuthPolicyObject.Jwt(
                        jwt.field("issuer").string(),
                        jwt.field("audiences").strings(),
                        jwt.field("jwksUri").string(),
                        jwt.field("tenantClaim").string("sub"),
                        jwt.field("claimToHeaders").list().stream()
                                .map(c -> new AuthPolicyObject.ClaimToHeader(
                                        c.field("claim").string(),
                                        c.field("header").string()))
                                .toList()));
        return new AuthPolicyObject(meta, targets, secrets, provider);
    }

    /** A Secret of type {@link Secret#API_KEYS}: tenant → SHA-256 of its key, from {@code data} and {@code stringData}. */
    static Secret apiKeySecret(TreeNode root, ObjectMeta meta, String type) {
        Map<String, String> hashes = new TreeMap<>();
        root.field("data").stringMap().forEach((tenant, b64) -> {
            try {
                hash(new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8))
                        .ifPresent(h -> hashes.put(tenant, h));
            } catch (IllegalArgumentException e) {
                throw new DecodeException("data." + tenant, "is not base64"); // never quotes the value
            }
        });
        root.field("stringData").stringMap().forEach((tenant, key) -> hash(key).ifPresent(h -> hashes.put(tenant, h)));
        return new Secret(meta, type, Optional.empty(), Optional.empty(), hashes);
    }

    private static Optional<String> hash(String key) {
        String k = key.strip();
        if (k.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(k.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
