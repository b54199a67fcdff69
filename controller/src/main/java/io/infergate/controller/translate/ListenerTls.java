package io.infergate.controller.translate;

import io.infergate.common.snapshot.Certificate;
import io.infergate.common.tls.KeyMaterial;
import io.infergate.controller.model.GatewayObject;
import io.infergate.controller.model.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A listener's {@code tls.certificateRefs} resolved to key material, or the reason they do not
 * resolve. Pure: the Secrets come from the state.
 *
 * <p>Rules, per entry in order, the first failure deciding: a kind other than the core Secret is
 * {@code InvalidCertificateRef}; a Secret in another namespace needs a ReferenceGrant there that
 * allows Gateways of this namespace ({@code RefNotPermitted}); for an HTTPS listener the Secret
 * must exist, be of type {@code kubernetes.io/tls}, and hold a certificate chain and a private key
 * that parse and belong together ({@link KeyMaterial}), else {@code InvalidCertificateRef}; an HTTPS
 * listener without entries is {@code InvalidCertificateRef} too. On Kubernetes the controller reads
 * only TLS Secrets, so a Secret of another type is reported as not found. Messages name the Secret,
 * never its content.
 */
final class ListenerTls {

    /**
     * The outcome for one listener.
     *
     * @param problem      why an entry does not resolve, if one does not
     * @param certificates the material of every entry, in order, when all resolve (HTTPS only)
     */
    record Resolved(Optional<RouteProblems.Problem> problem, List<Certificate> certificates) {
        Resolved {
            certificates = List.copyOf(certificates);
        }
    }

    private ListenerTls() {}

    static Resolved resolve(GatewayObject g, GatewayObject.Listener l, Index index) {
        boolean https = l.protocol().equals("HTTPS") && l.tlsMode().equals("Terminate");
        if (https && l.certificateRefs().isEmpty()) {
            return invalid("an HTTPS listener needs at least one tls.certificateRefs entry");
        }
        List<Certificate> out = new ArrayList<>();
        for (GatewayObject.CertificateRef ref : l.certificateRefs()) {
            String namespace = ref.namespace().orElse(g.meta().namespace());
            String what = "Secret " + namespace + "/" + ref.name();
            if (!ref.group().isEmpty() || !ref.kind().equals("Secret")) {
                return invalid("certificateRef " + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind() + " "
                        + ref.name() + " is not a Secret");
            }
            if (!index.gatewayMayReference(g.meta().namespace(), namespace, "", "Secret", ref.name())) {
                return new Resolved(
                        Optional.of(new RouteProblems.Problem(
                                "RefNotPermitted",
                                "certificateRef to " + what + " is not permitted: no ReferenceGrant in namespace "
                                        + namespace + " allows Gateways of namespace "
                                        + g.meta().namespace()
                                        + " to reference it")),
                        List.of());
            }
            if (!https) {
                continue; // an HTTP listener's certificateRefs serve nothing: their references are checked only
            }
            Optional<Secret> secret = index.secret(namespace, ref.name());
            if (secret.isEmpty()) {
                return invalid(what + " does not exist (or is not of type " + Secret.TLS + ")");
            }
            if (!secret.get().type().equals(Secret.TLS)) {
                return invalid(what + " is of type " + secret.get().type() + ", not " + Secret.TLS);
            }
            if (secret.get().certificateChain().isEmpty()
                    || secret.get().privateKey().isEmpty()) {
                return invalid(what + " lacks tls.crt or tls.key");
            }
            try {
                KeyMaterial.parse(
                        secret.get().certificateChain().get(),
                        secret.get().privateKey().get());
            } catch (KeyMaterial.Invalid e) {
                return invalid(what + ": " + e.getMessage());
            }
            out.add(new Certificate(
                    Certificate.idOf(namespace, ref.name()),
                    secret.get().certificateChain().get(),
                    secret.get().privateKey().get()));
        }
        return new Resolved(Optional.empty(), out);
    }

    private static Resolved invalid(String message) {
        return new Resolved(Optional.of(new RouteProblems.Problem("InvalidCertificateRef", message)), List.of());
    }
}
