package io.infergate.controller.decode;

import io.infergate.controller.model.BackendTlsPolicyObject;
import io.infergate.controller.model.ConfigMap;
import io.infergate.controller.model.ObjectMeta;

import java.util.List;

/**
 * Decodes BackendTLSPolicy objects and the ConfigMaps their {@code caCertificateRefs} name.
 *
 * <p>Rules: {@code spec.targetRefs} needs at least one entry and {@code spec.validation.hostname}
 * is required (the CRD requires both); a targetRef's or CA reference's group defaults to core
 * ({@code ""}); an empty {@code sectionName} or {@code wellKnownCACertificates} counts as unset. A
 * ConfigMap keeps only {@code data["ca.crt"]}: everything else in it is dropped here, as read.
 */
final class BackendTlsDecoder {

    private BackendTlsDecoder() {}

    static BackendTlsPolicyObject policy(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<BackendTlsPolicyObject.TargetRef> targets = spec.field("targetRefs").list().stream()
                .map(t -> new BackendTlsPolicyObject.TargetRef(
                        t.field("group").string(""),
                        t.field("kind").string(),
                        t.field("name").string(),
                        t.field("sectionName").optString().filter(s -> !s.isEmpty())))
                .toList();
        if (targets.isEmpty()) {
            throw new DecodeException("spec.targetRefs", "needs at least one target");
        }
        TreeNode validation = spec.field("validation");
        String hostname = validation.field("hostname").string("");
        if (hostname.isEmpty()) {
            throw new DecodeException("spec.validation.hostname", "is required");
        }
        return new BackendTlsPolicyObject(
                meta,
                targets,
                validation.field("caCertificateRefs").list().stream()
                        .map(c -> new BackendTlsPolicyObject.CaRef(
                                c.field("group").string(""),
                                c.field("kind").string(),
                                c.field("name").string()))
                        .toList(),
                validation.field("wellKnownCACertificates").optString().filter(s -> !s.isEmpty()),
                hostname,
                validation.field("subjectAltNames").list().stream()
                        .map(n -> {
                            String type = n.field("type").string();
                            String value = type.equals("URI")
                                    ? n.field("uri").string("")
                                    : n.field("hostname").string("");
                            return new BackendTlsPolicyObject.SubjectAltName(type, value);
                        })
                        .toList());
    }

    static ConfigMap configMap(TreeNode root, ObjectMeta meta) {
        return new ConfigMap(
                meta, root.field("data").field(ConfigMap.CA_CERTIFICATE).optString());
    }
}
