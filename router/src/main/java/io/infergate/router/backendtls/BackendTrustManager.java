package io.infergate.router.backendtls;

import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.tls.KeyMaterial;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Verifies a backend's certificate for one BackendTLSPolicy: the chain must lead to one of the
 * policy's CA certificates (or to a JDK root for {@code System}), then {@link BackendIdentity}
 * must accept the leaf. The JDK's own hostname check is not used: the identity to prove is the
 * policy's hostname or subject alternative names, never the pod address the router connects to.
 */
final class BackendTrustManager extends X509ExtendedTrustManager {

    private final BackendTls policy;
    private final X509TrustManager chain;

    private BackendTrustManager(BackendTls policy, X509TrustManager chain) {
        this.policy = policy;
        this.chain = chain;
    }

    /**
     * The trust manager of {@code policy}.
     *
     * @throws IllegalArgumentException when a CA bundle does not parse (the snapshot validator
     *                                  checked it already)
     */
    static BackendTrustManager of(BackendTls policy) {
        try {
            KeyStore roots = null; // null: the JDK's default roots (wellKnownCACertificates: System)
            if (!policy.systemCertificates()) {
                roots = KeyStore.getInstance(KeyStore.getDefaultType());
                roots.load(null, null);
                int n = 0;
                for (String bundle : policy.caCertificates()) {
                    for (X509Certificate ca : KeyMaterial.certificates(bundle)) {
                        roots.setCertificateEntry("ca-" + n++, ca);
                    }
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(roots);
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    return new BackendTrustManager(policy, x);
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509TrustManager");
        } catch (KeyMaterial.Invalid e) {
            throw new IllegalArgumentException(policy.policy() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("building the trust store of " + policy.policy() + " failed", e);
        }
    }

    private void verify(X509Certificate[] certificates, String authType) throws CertificateException {
        if (certificates == null || certificates.length == 0) {
            throw new CertificateException("the backend sent no certificate");
        }
        try {
            chain.checkServerTrusted(certificates, authType); // PKIX path and validity, no hostname check
        } catch (CertificateException e) {
            throw new CertificateException(
                    "the backend's certificate does not lead to a CA trusted by " + policy.policy() + ": "
                            + e.getMessage(),
                    e);
        }
        Optional<String> problem = BackendIdentity.problem(certificates[0], policy);
        if (problem.isPresent()) {
            throw new CertificateException(policy.policy() + ": " + problem.get());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        verify(certificates, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        verify(certificates, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        verify(certificates, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a backend trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a backend trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("a backend trust manager verifies servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }
}
