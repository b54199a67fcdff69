package io.infergate.router.tls;

import io.infergate.common.snapshot.ListenerRef;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * TLS of one public socket: an SSL context whose key manager follows the socket's certificates
 * across snapshots, so a rotated Secret needs no socket restart.
 */
public final class ServerTls {

    private final SniKeyManager keys = new SniKeyManager();
    private final SSLContext context;

    /** A context serving {@code initial} until the next {@link #update}. */
    public ServerTls(SocketCertificates initial) {
        keys.update(initial);
        try {
            SSLContext jsse = SSLContext.getInstance("TLS");
            jsse.init(new KeyManager[] {keys}, null, null);
            context = AnonymousClientContext.of(jsse);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /** The context to give the socket. */
    public SSLContext context() {
        return context;
    }

    /** New handshakes get {@code certificates}; open connections keep theirs. */
    public void update(SocketCertificates certificates) {
        keys.update(certificates);
    }

    /**
     * The listener the SNI of a connection selected, from the certificates its session sent
     * ({@code localCertificates}, leaf first); empty when not known (see {@link SniKeyManager}).
     */
    public Optional<ListenerRef> sniListener(Certificate[] localCertificates) {
        return localCertificates == null || localCertificates.length == 0
                ? Optional.empty()
                : SniKeyManager.sniListener(localCertificates[0]);
    }
}
