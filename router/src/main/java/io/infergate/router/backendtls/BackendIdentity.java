package io.infergate.router.backendtls;

import io.infergate.common.snapshot.BackendTls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a backend's leaf certificate proves the identity a BackendTLSPolicy asks for. Pure.
 *
 * <p>Rules (Gateway API BackendTLSPolicy, RFC 6125): without {@code subjectAltNames} the
 * certificate must carry a DNS subject alternative name matching {@code hostname}; with them, the
 * hostname is only the SNI and the certificate must carry at least one of the listed names (DNS
 * names compared case-insensitively, URIs exactly). A certificate DNS name {@code *.example.com}
 * matches exactly one label in front of {@code example.com}; the subject's common name is never
 * looked at (RFC 6125 deprecates it, and browsers and Envoy ignore it).
 */
public final class BackendIdentity {

    private static final int DNS = 2;
    private static final int URI = 6;

    private BackendIdentity() {}

    /** Why {@code leaf} does not prove {@code policy}'s identity, or empty when it does. */
    public static Optional<String> problem(X509Certificate leaf, BackendTls policy) {
        List<String> dns = names(leaf, DNS);
        List<String> uris = names(leaf, URI);
        if (policy.subjectAltNames().isEmpty()) {
            return dns.stream().anyMatch(d -> dnsMatches(d, policy.hostname()))
                    ? Optional.empty()
                    : Optional.of(
                            "the certificate's DNS names " + dns + " do not match the hostname " + policy.hostname());
        }
        for (BackendTls.SubjectAltName want : policy.subjectAltNames()) {
            boolean found = switch (want.type()) {
                case HOSTNAME -> dns.stream().anyMatch(d -> dnsMatches(d, want.value()));
                case URI -> uris.contains(want.value());
            };
            if (found) {
                return Optional.empty();
            }
        }
        return Optional.of(
                "the certificate's subject alternative names (DNS " + dns + ", URI " + uris + ") include none of "
                        + policy.subjectAltNames().stream()
                                .map(BackendTls.SubjectAltName::value)
                                .toList());
    }

    /** Whether a certificate's DNS name (possibly {@code *.}-wildcarded) covers {@code name}. */
    static boolean dnsMatches(String certificateName, String name) {
        String pattern = certificateName.toLowerCase(Locale.ROOT);
        String host = name.toLowerCase(Locale.ROOT);
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!pattern.startsWith("*.")) {
            return pattern.equals(host);
        }
        if (name.startsWith("*.")) {
            return pattern.equals(host); // a wildcard asked for is matched only by the same wildcard
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }

    private static List<String> names(X509Certificate leaf, int type) {
        Collection<List<?>> all;
        try {
            all = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (all != null) {
            for (List<?> entry : all) {
                if (entry.size() >= 2
                        && entry.get(0) instanceof Integer t
                        && t == type
                        && entry.get(1) instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
