package io.infergate.router.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.security.SecureRandom;

/**
 * An initialised server {@link SSLContext} whose engines answer "no client certificate" cheaply
 * ({@link AnonymousClientEngine}); everything else is the wrapped context's.
 *
 * <p>Rule and reason: Helidon's HTTP/1 connection asks for the client's certificates on every
 * request (to set its {@code X-HELIDON-CN} header), and JSSE answers a client that sent none by
 * throwing a new {@code SSLPeerUnverifiedException}, stack trace and all: about 3% of the router's
 * CPU per request on a kept-alive HTTPS connection (bench/tls.sh profile). The router's listeners
 * never ask clients for certificates, so the answer is known without asking JSSE.
 */
final class AnonymousClientContext extends SSLContextSpi {

    private final SSLContext real;

    private AnonymousClientContext(SSLContext real) {
        this.real = real;
    }

    /** {@code real} (initialised) with engines that skip JSSE's exception for a missing client certificate. */
    static SSLContext of(SSLContext real) {
        return new SSLContext(new AnonymousClientContext(real), real.getProvider(), real.getProtocol()) {};
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
        throw new UnsupportedOperationException("initialise the wrapped context instead");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return real.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return real.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return new AnonymousClientEngine(real.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return new AnonymousClientEngine(real.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return real.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return real.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return real.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return real.getSupportedSSLParameters();
    }
}
