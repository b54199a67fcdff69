package io.infergate.controller.model;

import java.util.Optional;

/**
 * A ConfigMap, as far as a BackendTLSPolicy's CA certificate references read one: the PEM of its
 * {@code ca.crt} entry. Other entries are not kept, so the controller holds no more of a cluster's
 * ConfigMaps than this one key.
 *
 * @param caCertificate {@code data["ca.crt"]}, empty when the ConfigMap has no such entry
 */
public record ConfigMap(ObjectMeta meta, Optional<String> caCertificate) implements KubeObject {

    /** The entry BackendTLSPolicy reads (Gateway API: "a key named ca.crt"). */
    public static final String CA_CERTIFICATE = "ca.crt";

    public ConfigMap {
        caCertificate = caCertificate == null ? Optional.empty() : caCertificate;
    }
}
