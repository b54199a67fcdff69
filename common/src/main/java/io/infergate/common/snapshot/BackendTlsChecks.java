package io.infergate.common.snapshot;

import io.infergate.common.tls.KeyMaterial;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The backend TLS part of {@link SnapshotValidator}: each entry names a backend of the snapshot,
 * at most one entry per backend; the hostname is a DNS name (no wildcard, no IP address: it is
 * sent as SNI, which carries names only); subject alternative names are DNS names (a leading
 * {@code *.} allowed) or absolute URIs with a scheme; every CA bundle parses as PEM
 * certificates; CA bundles and system roots are not both set. An entry that trusts nothing is
 * never used to connect, so only its backend is checked.
 */
public final class BackendTlsChecks {
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    private BackendTlsChecks() {}

    /** Whether {@code name} is a lowercase DNS name usable as SNI (RFC 1123 labels, no trailing dot). */
    public static boolean isSniName(String name) {
        return DNS_NAME.matcher(name).matches() && !IpLiterals.isIp(name);
    }

    static List<Violation> check(Snapshot s, Set<String> backends) {
        List<Violation> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.backendTls().size(); i++) {
            BackendTls t = s.backendTls().get(i);
            String at = "/backendTls/" + i;
            if (!backends.contains(t.backend())) {
                out.add(new Violation(at + "/backend", "names no backend in the snapshot: '" + t.backend() + "'"));
            } else if (!seen.add(t.backend())) {
                out.add(new Violation(at + "/backend", "a second TLS entry for '" + t.backend() + "'"));
            }
            if (t.trustsNothing()) {
                continue; // never connects: its names are never used (the controller ships unusable policies so)
            }
            if (!isSniName(t.hostname())) {
                out.add(new Violation(at + "/hostname", "must be a lowercase DNS name, is '" + t.hostname() + "'"));
            }
            if (t.systemCertificates() && !t.caCertificates().isEmpty()) {
                out.add(new Violation(at + "/caCertificates", "must be empty when systemCertificates is true"));
            }
            for (int c = 0; c < t.caCertificates().size(); c++) {
                try {
                    KeyMaterial.certificates(t.caCertificates().get(c));
                } catch (KeyMaterial.Invalid e) {
                    out.add(new Violation(at + "/caCertificates/" + c, e.getMessage()));
                }
            }
            for (int n = 0; n < t.subjectAltNames().size(); n++) {
                BackendTls.SubjectAltName san = t.subjectAltNames().get(n);
                String q = at + "/subjectAltNames/" + n;
                switch (san.type()) {
                    case HOSTNAME -> {
                        String v = san.value().startsWith("*.") ? san.value().substring(2) : san.value();
                        if (!DNS_NAME.matcher(v).matches()) {
                            out.add(new Violation(q, "must be a lowercase DNS name, is '" + san.value() + "'"));
                        }
                    }
                    case URI -> {
                        if (!absoluteUri(san.value())) {
                            out.add(new Violation(q, "must be an absolute URI, is '" + san.value() + "'"));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean absoluteUri(String value) {
        try {
            URI u = new URI(value);
            return u.isAbsolute()
                    && u.getRawSchemeSpecificPart() != null
                    && !u.getRawSchemeSpecificPart().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
