package io.infergate.router.snapshot;

import io.infergate.common.tls.KeyMaterial;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.logging.Logger;

/**
 * The internal socket's serving certificate, read from {@code tls.crt} and {@code tls.key} in a
 * folder that may change while the router runs: on Kubernetes the controller's Secret mounted as
 * a volume, which the kubelet swaps in place when the controller renews the certificate
 * (docs/adr/0035-internal-api-tls.md).
 *
 * <p>Rules: the files are checked at most once per second, lazily on a handshake, by their
 * modification times and sizes; when they changed, both are read and parsed again (the key must
 * belong to the certificate). Unreadable or mismatched files keep the previous certificate, so a
 * half-written update never takes the snapshot API down. Handshakes after a reload get the new
 * certificate; open connections keep theirs. The key is never logged.
 */
public final class CertificateFiles extends X509ExtendedKeyManager {

    private static final Logger LOG = Logger.getLogger(CertificateFiles.class.getName());
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    private static final String ALIAS = "internal-";

    private record Stamp(FileTime certModified, long certSize, FileTime keyModified, long keySize) {}

    /** One generation of material; the alias names it, so that chain and key always match. */
    private record Loaded(KeyMaterial material, Stamp stamp, long generation) {
        String alias() {
            return ALIAS + generation;
        }
    }

    private final Path certificate;
    private final Path key;
    private volatile Loaded loaded;
    // the generation before, for a handshake that chose its alias just before a reload
    private volatile Loaded previous;
    private volatile long lastCheck;

    /**
     * Reads the files once.
     *
     * @throws IllegalArgumentException when they cannot be read or do not hold a certificate and
     *                                  its key
     */
    public CertificateFiles(Path folder) {
        this.certificate = folder.resolve("tls.crt");
        this.key = folder.resolve("tls.key");
        try {
            loaded = load(0);
            previous = loaded;
        } catch (IOException | KeyMaterial.Invalid e) {
            throw new IllegalArgumentException(
                    "--internal-tls " + folder + ": " + e.getMessage() + " (expected tls.crt and tls.key)", e);
        }
        lastCheck = System.nanoTime();
    }

    /** A TLS context serving these files. */
    public SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {this}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /** The certificate served now, leaf first (tests, logs). */
    public List<X509Certificate> chain() {
        refreshIfDue();
        return loaded.material().chain();
    }

    private Loaded load(long generation) throws IOException, KeyMaterial.Invalid {
        Stamp stamp = stamp();
        KeyMaterial material = KeyMaterial.parse(Files.readString(certificate), Files.readString(key));
        return new Loaded(material, stamp, generation);
    }

    private Stamp stamp() throws IOException {
        return new Stamp(
                Files.getLastModifiedTime(certificate),
                Files.size(certificate),
                Files.getLastModifiedTime(key),
                Files.size(key));
    }

    private void refreshIfDue() {
        long now = System.nanoTime();
        if (now - lastCheck < CHECK_INTERVAL_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - lastCheck < CHECK_INTERVAL_NANOS) {
                return;
            }
            lastCheck = now;
            try {
                if (stamp().equals(loaded.stamp())) {
                    return;
                }
                Loaded next = load(loaded.generation() + 1);
                previous = loaded;
                loaded = next;
                LOG.info(() -> "internal TLS certificate " + certificate + " changed: serving "
                        + loaded.material().leaf().getSubjectX500Principal() + " until "
                        + loaded.material().leaf().getNotAfter().toInstant());
            } catch (IOException | KeyMaterial.Invalid e) {
                LOG.warning("internal TLS files " + certificate + ", " + key + " changed but cannot be used ("
                        + e.getMessage() + "); keeping the previous certificate");
            }
        }
    }

    // ---- X509ExtendedKeyManager: one certificate, whatever the client asks -------------------

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    private String alias(String keyType) {
        refreshIfDue();
        Loaded now = loaded;
        return now.material().key().getAlgorithm().equals(keyType) ? now.alias() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyMaterial m = material(alias);
        return m == null ? null : m.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyMaterial m = material(alias);
        return m == null ? null : m.key();
    }

    private KeyMaterial material(String alias) {
        for (Loaded l : new Loaded[] {loaded, previous}) {
            if (l.alias().equals(alias)) {
                return l.material();
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String toString() {
        return "CertificateFiles[" + certificate + ", key redacted]";
    }
}
