package io.infergate.controller.model;

import java.util.Optional;

/**
 * A Secret, as far as a Gateway listener's {@code tls.certificateRefs} reads one: its type and,
 * for {@code kubernetes.io/tls}, the PEM of {@code tls.crt} and {@code tls.key}. Other keys are
 * not kept. The key is secret: {@link #toString()} leaves it out, and nothing logs it.
 *
 * @param type           {@code type} as written ({@code Opaque} when absent)
 * @param certificateChain {@code tls.crt} decoded, when the type is {@code kubernetes.io/tls}
 * @param privateKey     {@code tls.key} decoded, when the type is {@code kubernetes.io/tls}
 */
public record Secret(ObjectMeta meta, String type, Optional<String> certificateChain, Optional<String> privateKey)
        implements KubeObject {

    /** The type whose Secrets can serve as listener certificates. */
    public static final String TLS = "kubernetes.io/tls";

    @Override
    public String toString() {
        return "Secret[" + meta.path() + ", type " + type + ", data redacted]";
    }
}
