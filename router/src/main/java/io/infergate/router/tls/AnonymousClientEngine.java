package io.infergate.router.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A JSSE server engine, method for method, except that its sessions answer a request for the
 * client's certificates with a stack-less exception when the engine never asked the client for one
 * ({@link AnonymousClientSession}); see {@link AnonymousClientContext} for why.
 */
final class AnonymousClientEngine extends SSLEngine {

    private final SSLEngine real;
    /** The last session handed out and its wrapper (benign race: at worst a second wrapper). */
    private SSLSession lastReal;

    private SSLSession lastWrapped;

    AnonymousClientEngine(SSLEngine real) {
        super(real.getPeerHost(), real.getPeerPort());
        this.real = real;
    }

    /** Whether a client certificate can exist: only when this engine asked for one. */
    boolean asksForClientCertificates() {
        return real.getNeedClientAuth() || real.getWantClientAuth();
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // the same JSSE session object, not an equal one
    public SSLSession getSession() {
        SSLSession s = real.getSession();
        if (s != lastReal) {
            lastWrapped = new AnonymousClientSession(s, this);
            lastReal = s;
        }
        return lastWrapped;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return real.wrap(srcs, offset, length, dst);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return real.wrap(src, dst);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, ByteBuffer dst) throws SSLException {
        return real.wrap(srcs, dst);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        return real.unwrap(src, dsts, offset, length);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return real.unwrap(src, dst);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts) throws SSLException {
        return real.unwrap(src, dsts);
    }

    @Override
    public Runnable getDelegatedTask() {
        return real.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        real.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return real.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        real.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return real.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return real.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return real.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        real.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return real.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return real.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        real.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getHandshakeSession() {
        return real.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        real.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return real.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        real.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return real.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        real.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return real.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        real.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return real.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        real.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return real.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return real.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        real.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return real.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return real.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        real.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return real.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
