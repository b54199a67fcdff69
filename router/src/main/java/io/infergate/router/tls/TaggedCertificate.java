package io.infergate.router.tls;

import io.infergate.common.snapshot.ListenerRef;

import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A leaf certificate that remembers which listener the handshake that sent it chose by SNI. The
 * JDK keeps the key manager's certificate objects in the TLS session, so a request reads the tag
 * back from the session's local certificates; a fresh parse would not do, because the JDK's
 * certificate factory hands back one cached object per encoding, and one Secret may serve several
 * listeners. Every other method delegates.
 */
final class TaggedCertificate extends X509Certificate {

    private final X509Certificate delegate;
    private final Optional<ListenerRef> listener;

    TaggedCertificate(X509Certificate delegate, Optional<ListenerRef> listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    /** The listener SNI selected; empty for the default certificate. */
    Optional<ListenerRef> listener() {
        return listener;
    }

    @Override
    public void checkValidity()
            throws java.security.cert.CertificateExpiredException, java.security.cert.CertificateNotYetValidException {
        delegate.checkValidity();
    }

    @Override
    public void checkValidity(Date date)
            throws java.security.cert.CertificateExpiredException, java.security.cert.CertificateNotYetValidException {
        delegate.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return delegate.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return delegate.getSerialNumber();
    }

    @SuppressWarnings("deprecation")
    @Override
    public Principal getIssuerDN() {
        return delegate.getIssuerDN();
    }

    @SuppressWarnings("deprecation")
    @Override
    public Principal getSubjectDN() {
        return delegate.getSubjectDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return delegate.getIssuerX500Principal();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return delegate.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return delegate.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return delegate.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return delegate.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return delegate.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return delegate.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return delegate.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return delegate.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return delegate.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return delegate.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return delegate.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return delegate.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return delegate.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return delegate.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return delegate.getIssuerAlternativeNames();
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return delegate.getEncoded();
    }

    @Override
    public void verify(PublicKey key)
            throws CertificateException, java.security.NoSuchAlgorithmException, java.security.InvalidKeyException,
                    java.security.NoSuchProviderException, java.security.SignatureException {
        delegate.verify(key);
    }

    @Override
    public void verify(PublicKey key, String sigProvider)
            throws CertificateException, java.security.NoSuchAlgorithmException, java.security.InvalidKeyException,
                    java.security.NoSuchProviderException, java.security.SignatureException {
        delegate.verify(key, sigProvider);
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider)
            throws CertificateException, java.security.NoSuchAlgorithmException, java.security.InvalidKeyException,
                    java.security.SignatureException {
        delegate.verify(key, sigProvider);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    @Override
    public PublicKey getPublicKey() {
        return delegate.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return delegate.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return delegate.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return delegate.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return delegate.getExtensionValue(oid);
    }
}
