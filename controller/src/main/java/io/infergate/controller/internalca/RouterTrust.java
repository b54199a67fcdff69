package io.infergate.controller.internalca;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the controller verifies a router's internal API (docs/adr/0035-internal-api-tls.md): the
 * chain must lead to a CA of the current trust bundle (PKIX, validity included), and the leaf must
 * name the routers' identity as a DNS subject alternative name. The JDK's hostname check is not
 * used: the controller connects to pod IPs, which no certificate names.
 *
 * <p>The bundle is replaced as a whole ({@link #update}) when the controller reads or renews its
 * Secret; until the first update nothing is trusted, so no snapshot leaves the controller. The
 * verification runs at each handshake, against the bundle of that moment.
 */
public final class RouterTrust extends X509ExtendedTrustManager {

    private record State(List<X509Certificate> cas, X509TrustManager chain) {}

    private final String identity;
    private volatile State state = new State(List.of(), null);
    private volatile SSLContext context;

    /** @param identity the DNS name the routers' certificate must carry */
    public RouterTrust(String identity) {
        this.identity = identity;
        this.context = newContext();
    }

    /** The name a router's certificate must carry. */
    public String identity() {
        return identity;
    }

    /** Trusts exactly {@code cas} from now on (new handshakes; open connections are kept). */
    public void update(List<X509Certificate> cas) {
        if (cas.equals(state.cas())) {
            return;
        }
        try {
            KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
            roots.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                roots.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(cas.isEmpty() ? null : roots);
            X509TrustManager chain = null;
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    chain = x;
                }
            }
            state = new State(List.copyOf(cas), cas.isEmpty() ? null : chain);
            context = newContext();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("building the routers' trust store failed", e);
        }
    }

    /** Whether a CA is trusted at all (the controller pushes nothing before). */
    public boolean ready() {
        return state.chain() != null;
    }

    /**
     * A client TLS context verifying routers with this trust: a new one after every change of the
     * bundle, so that clients keying their connection cache by context (Helidon's WebClient)
     * handshake again, and every router is verified against the new bundle, instead of reusing
     * connections verified against the old one.
     */
    public SSLContext context() {
        return context;
    }

    private SSLContext newContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {this}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /** The DNS subject alternative names of {@code certificate}. */
    static List<String> names(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    if (n.size() == 2 && Integer.valueOf(2).equals(n.get(0)) && n.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    private void verify(X509Certificate[] certificates, String authType) throws CertificateException {
        X509TrustManager chain = state.chain();
        if (chain == null) {
            throw new CertificateException("no internal CA is known yet: routers cannot be verified");
        }
        if (certificates == null || certificates.length == 0) {
            throw new CertificateException("the router sent no certificate");
        }
        try {
            chain.checkServerTrusted(certificates, authType);
        } catch (CertificateException e) {
            throw new CertificateException(
                    "the router's certificate is not issued by the controller's internal CA: " + e.getMessage(), e);
        }
        if (!names(certificates[0]).contains(identity)) {
            throw new CertificateException("the router's certificate does not name " + identity + " (it names "
                    + names(certificates[0]) + ")");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the controller does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return state.cas().toArray(X509Certificate[]::new);
    }
}
