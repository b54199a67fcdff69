package io.infergate.router.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;

/**
 * A session of an {@link AnonymousClientEngine}: JSSE's, method for method, except that the peer's
 * certificates and principal of an engine that never asked the client for a certificate are
 * refused at once, with an exception that records no stack trace.
 */
final class AnonymousClientSession extends ExtendedSSLSession {

    /** "No client certificate", without the stack walk: nothing reads its trace. */
    static final class NoClientCertificate extends SSLPeerUnverifiedException {
        NoClientCertificate() {
            super("the client sent no certificate (none was asked for)");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final SSLSession real;
    private final AnonymousClientEngine engine;

    AnonymousClientSession(SSLSession real, AnonymousClientEngine engine) {
        this.real = real;
        this.engine = engine;
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        if (!engine.asksForClientCertificates()) {
            throw new NoClientCertificate();
        }
        return real.getPeerCertificates();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        if (!engine.asksForClientCertificates()) {
            throw new NoClientCertificate();
        }
        return real.getPeerPrincipal();
    }

    @Override
    public String[] getLocalSupportedSignatureAlgorithms() {
        return real instanceof ExtendedSSLSession e ? e.getLocalSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public String[] getPeerSupportedSignatureAlgorithms() {
        return real instanceof ExtendedSSLSession e ? e.getPeerSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public List<SNIServerName> getRequestedServerNames() {
        return real instanceof ExtendedSSLSession e ? e.getRequestedServerNames() : List.of();
    }

    @Override
    public List<byte[]> getStatusResponses() {
        return real instanceof ExtendedSSLSession e ? e.getStatusResponses() : List.of();
    }

    @Override
    public byte[] getId() {
        return real.getId();
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return real.getSessionContext();
    }

    @Override
    public long getCreationTime() {
        return real.getCreationTime();
    }

    @Override
    public long getLastAccessedTime() {
        return real.getLastAccessedTime();
    }

    @Override
    public void invalidate() {
        real.invalidate();
    }

    @Override
    public boolean isValid() {
        return real.isValid();
    }

    @Override
    public void putValue(String name, Object value) {
        real.putValue(name, value);
    }

    @Override
    public Object getValue(String name) {
        return real.getValue(name);
    }

    @Override
    public void removeValue(String name) {
        real.removeValue(name);
    }

    @Override
    public String[] getValueNames() {
        return real.getValueNames();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return real.getLocalCertificates();
    }

    @Override
    public Principal getLocalPrincipal() {
        return real.getLocalPrincipal();
    }

    @Override
    public String getCipherSuite() {
        return real.getCipherSuite();
    }

    @Override
    public String getProtocol() {
        return real.getProtocol();
    }

    @Override
    public String getPeerHost() {
        return real.getPeerHost();
    }

    @Override
    public int getPeerPort() {
        return real.getPeerPort();
    }

    @Override
    public int getPacketBufferSize() {
        return real.getPacketBufferSize();
    }

    @Override
    public int getApplicationBufferSize() {
        return real.getApplicationBufferSize();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
