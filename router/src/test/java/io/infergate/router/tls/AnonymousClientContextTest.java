package io.infergate.router.tls;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wrapped context's engines answer "no client certificate" without JSSE's stack walk when they
 * never asked for one, and ask JSSE when they did. (The handshakes themselves run in every HTTPS
 * listener test, which serve through this wrapper.)
 */
class AnonymousClientContextTest {

    private static SSLEngine serverEngine() throws Exception {
        SSLContext jsse = SSLContext.getInstance("TLS");
        jsse.init(null, null, null);
        SSLEngine engine = AnonymousClientContext.of(jsse).createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    @Test
    void aClientThatWasNotAskedHasNoCertificateAndTheAnswerCostsNoStackTrace() throws Exception {
        SSLEngine engine = serverEngine();
        assertTrue(engine instanceof AnonymousClientEngine);
        SSLPeerUnverifiedException e = assertThrows(
                SSLPeerUnverifiedException.class, () -> engine.getSession().getPeerCertificates());
        assertEquals(0, e.getStackTrace().length, "no stack walk");
        assertThrows(SSLPeerUnverifiedException.class, () -> engine.getSession().getPeerPrincipal());
        assertSame(engine.getSession(), engine.getSession(), "one wrapper per JSSE session");
    }

    @Test
    void anEngineThatAsksForClientCertificatesAsksJsse() throws Exception {
        SSLEngine engine = serverEngine();
        engine.setWantClientAuth(true);
        SSLPeerUnverifiedException e = assertThrows(
                SSLPeerUnverifiedException.class, () -> engine.getSession().getPeerCertificates());
        assertFalse(e instanceof AnonymousClientSession.NoClientCertificate, "JSSE's own answer");
    }
}
