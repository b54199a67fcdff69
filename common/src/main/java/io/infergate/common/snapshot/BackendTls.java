package io.infergate.common.snapshot;

import java.util.List;

/**
 * How the router speaks TLS to one backend: a BackendTLSPolicy applied to a Service port or an
 * InferencePool (docs/adr/0027-backend-tls.md).
 *
 * <p>Rules: the router connects to every endpoint of {@link #backend} over TLS, sends
 * {@link #hostname} as SNI, and verifies the chain against {@link #caCertificates} (or the JDK's
 * trusted roots when {@link #systemCertificates}); the leaf must then carry a subject alternative
 * name equal to one of {@link #subjectAltNames}, or, when there are none, a DNS name matching
 * {@link #hostname}. A policy whose CA references all failed ships with no CA and no system
 * roots: it trusts nothing, and the router answers 502 without connecting (the spec's "MUST
 * fail with a 5xx"). CA certificates are public: nothing here is secret.
 *
 * @param backend            the id of a {@link Backend} in the snapshot
 * @param policy             {@code backendtlspolicy/<namespace>/<name>}, for logs and errors
 * @param hostname           SNI and, without subject alternative names, the name to verify
 * @param subjectAltNames    names of which the leaf must carry at least one; empty: verify {@code hostname}
 * @param caCertificates     PEM bundles (each one or more certificates) the chain must lead to
 * @param systemCertificates whether the JDK's default trusted roots are trusted instead
 */
public record BackendTls(
        String backend,
        String policy,
        String hostname,
        List<SubjectAltName> subjectAltNames,
        List<String> caCertificates,
        boolean systemCertificates) {

    public BackendTls {
        subjectAltNames = List.copyOf(subjectAltNames);
        caCertificates = List.copyOf(caCertificates);
    }

    /** The id of a BackendTLSPolicy {@code namespace/name}. */
    public static String idOf(String namespace, String name) {
        return "backendtlspolicy/" + namespace + "/" + name;
    }

    /** Whether the policy trusts no root at all (every CA reference was invalid). */
    public boolean trustsNothing() {
        return caCertificates.isEmpty() && !systemCertificates;
    }

    /**
     * One expected subject alternative name.
     *
     * @param type  a DNS name (wildcards in the certificate match one label) or a URI (exact)
     * @param value the name
     */
    public record SubjectAltName(Type type, String value) {}

    /** The kinds of subject alternative name a policy can ask for. */
    public enum Type {
        HOSTNAME,
        URI
    }
}
