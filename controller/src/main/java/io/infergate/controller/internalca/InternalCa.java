package io.infergate.controller.internalca;

import io.infergate.common.tls.Issuer;
import io.infergate.common.tls.KeyMaterial;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what the internal-TLS Secret must hold (docs/adr/0035-internal-api-tls.md): a CA the
 * controller made ({@code ca.key}, and {@code ca.crt}, the trust bundle, current CA first), and
 * the routers' serving certificate signed by it ({@code tls.crt}, leaf then CA, and
 * {@code tls.key}).
 *
 * <p>Rules, applied in order to what the Secret holds at {@code now}:
 * <ul>
 *   <li>no usable CA (missing, unparsable, key not matching, or fewer than
 *       {@link Policy#caRenewBefore} left): a new CA; the old CA, while still valid, stays in the
 *       bundle after the new one, so routers still serving a leaf of the old CA (the kubelet takes
 *       up to a minute or two to update a mounted Secret) keep being trusted;
 *   <li>no usable leaf (missing, unparsable, key not matching, not signed by the current CA, not
 *       naming the identity, or fewer than {@link Policy#leafRenewBefore} left): a new leaf;
 *   <li>otherwise the Secret is kept as it is.
 * </ul>
 * Expired CAs leave the bundle whenever the Secret is written. Pure apart from key generation:
 * the same input at the same instant makes the same decision.
 */
public final class InternalCa {

    /** Secret keys. */
    public static final String CA_CRT = "ca.crt";

    public static final String CA_KEY = "ca.key";
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";

    /**
     * Lifetimes.
     *
     * @param caValidity      how long a new CA is valid
     * @param caRenewBefore   a CA with less than this left is replaced
     * @param leafValidity    how long a new serving certificate is valid
     * @param leafRenewBefore a serving certificate with less than this left is replaced
     */
    public record Policy(Duration caValidity, Duration caRenewBefore, Duration leafValidity, Duration leafRenewBefore) {
        /** CA 10 years, replaced with 1 year left; leaf 90 days, replaced with 30 days left. */
        public static Policy defaults() {
            return new Policy(Duration.ofDays(3650), Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(30));
        }
    }

    /** What to do with the Secret. */
    public sealed interface Decision {
        /** The trust bundle the routers' certificates are verified against. */
        List<X509Certificate> trust();

        /** The Secret is good: keep it. */
        record Keep(List<X509Certificate> trust) implements Decision {}

        /** Write {@code data} (create the Secret or replace its data); {@code why} is for the log. */
        record Write(Map<String, byte[]> data, List<X509Certificate> trust, String why) implements Decision {
            @Override
            public String toString() {
                return "Write[" + why + ", data redacted]";
            }
        }
    }

    private InternalCa() {}

    /**
     * The decision for the Secret's {@code data} ({@code empty} when the Secret does not exist).
     *
     * @param identity the DNS name the serving certificate carries and the controller checks
     */
    public static Decision decide(Optional<Map<String, byte[]>> data, String identity, Instant now, Policy policy) {
        Map<String, byte[]> d = data.orElse(Map.of());
        List<String> why = new ArrayList<>();
        Optional<KeyMaterial> ca = ca(d, now, policy, why);
        List<X509Certificate> bundle = bundle(d, now);
        Issuer.Issued caIssued;
        String caKeyPem;
        String caPem;
        boolean newCa = ca.isEmpty();
        if (newCa) {
            caIssued = Issuer.ca("infergate-internal-ca", Issuer.KeyType.EC_P256, policy.caValidity());
            caKeyPem = caIssued.privateKeyPem();
            caPem = caIssued.certificatePem();
        } else {
            caIssued = new Issuer.Issued(
                    ca.get().leaf(),
                    new java.security.KeyPair(
                            ca.get().leaf().getPublicKey(), ca.get().key()));
            caKeyPem = text(d, CA_KEY);
            caPem = pem(ca.get().leaf());
        }
        if (!newCa && leafUsable(d, caIssued.certificate(), identity, now, policy, why)) {
            return new Decision.Keep(bundle);
        }
        Issuer.Issued leaf = Issuer.leaf(caIssued, List.of(identity), Issuer.KeyType.EC_P256, policy.leafValidity());
        List<X509Certificate> trust = new ArrayList<>();
        trust.add(caIssued.certificate());
        for (X509Certificate c : bundle) {
            if (!c.equals(caIssued.certificate())) {
                trust.add(c);
            }
        }
        StringBuilder trustPem = new StringBuilder();
        trust.forEach(c -> trustPem.append(pem(c)));
        Map<String, byte[]> out = new HashMap<>();
        out.put(CA_CRT, bytes(trustPem.toString()));
        out.put(CA_KEY, bytes(caKeyPem));
        out.put(TLS_CRT, bytes(leaf.certificatePem() + caPem));
        out.put(TLS_KEY, bytes(leaf.privateKeyPem()));
        return new Decision.Write(Map.copyOf(out), List.copyOf(trust), String.join("; ", why));
    }

    /** The current CA: the first certificate of {@code ca.crt} with {@code ca.key}, if usable. */
    private static Optional<KeyMaterial> ca(Map<String, byte[]> d, Instant now, Policy policy, List<String> why) {
        if (!d.containsKey(CA_CRT) || !d.containsKey(CA_KEY)) {
            why.add("no CA yet");
            return Optional.empty();
        }
        try {
            KeyMaterial ca = KeyMaterial.parse(text(d, CA_CRT), text(d, CA_KEY));
            X509Certificate c = ca.leaf();
            if (c.getBasicConstraints() < 0) {
                why.add("the CA certificate is not a CA");
                return Optional.empty();
            }
            if (c.getNotAfter().toInstant().isBefore(now.plus(policy.caRenewBefore()))) {
                why.add("the CA expires " + c.getNotAfter().toInstant());
                return Optional.empty();
            }
            return Optional.of(ca);
        } catch (KeyMaterial.Invalid e) {
            why.add("the CA is unusable (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private static boolean leafUsable(
            Map<String, byte[]> d, X509Certificate ca, String identity, Instant now, Policy policy, List<String> why) {
        if (!d.containsKey(TLS_CRT) || !d.containsKey(TLS_KEY)) {
            why.add("no serving certificate yet");
            return false;
        }
        try {
            X509Certificate leaf =
                    KeyMaterial.parse(text(d, TLS_CRT), text(d, TLS_KEY)).leaf();
            try {
                leaf.verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                why.add("the serving certificate is not signed by the current CA");
                return false;
            }
            if (!RouterTrust.names(leaf).contains(identity)) {
                why.add("the serving certificate does not name " + identity);
                return false;
            }
            if (leaf.getNotAfter().toInstant().isBefore(now.plus(policy.leafRenewBefore()))) {
                why.add("the serving certificate expires " + leaf.getNotAfter().toInstant());
                return false;
            }
            return true;
        } catch (KeyMaterial.Invalid e) {
            why.add("the serving certificate is unusable (" + e.getMessage() + ")");
            return false;
        }
    }

    /** The CA certificates of {@code ca.crt} still valid at {@code now}; unparsable data is none. */
    public static List<X509Certificate> bundle(Map<String, byte[]> d, Instant now) {
        if (!d.containsKey(CA_CRT)) {
            return List.of();
        }
        try {
            return KeyMaterial.certificates(text(d, CA_CRT)).stream()
                    .filter(c -> c.getNotAfter().toInstant().isAfter(now))
                    .toList();
        } catch (KeyMaterial.Invalid e) {
            return List.of();
        }
    }

    private static String pem(X509Certificate c) {
        try {
            return Issuer.pem("CERTIFICATE", c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Map<String, byte[]> d, String key) {
        return new String(d.get(key), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
