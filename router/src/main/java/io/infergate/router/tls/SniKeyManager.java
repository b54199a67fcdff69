package io.infergate.router.tls;

import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.tls.KeyMaterial;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key manager of one TLS socket: picks the certificate of each handshake from the socket's
 * current {@link SocketCertificates} by the SNI server name and the key type being negotiated.
 *
 * <p>Rotation: {@link #update} swaps in new material as one volatile write; handshakes after it
 * get the new certificates, connections already open keep their session (nothing is closed).
 * Aliases name one generation of material, and the previous generation is kept so that a
 * handshake that chose an alias just before a swap still finds its chain and key.
 *
 * <p>Which listener SNI selected is read back at request time from the certificate the session
 * sent: every alias's leaf is a {@link TaggedCertificate} naming its listener (the JDK keeps the
 * key manager's certificate objects in the session). The default alias (no SNI, or no listener for
 * the name) names no listener: such requests are not checked.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private record Chosen(
            X509Certificate[] chain, PrivateKey key, Optional<ListenerRef> sniListener, long generation) {}

    private record Generation(
            long number,
            SocketCertificates certificates,
            Map<ListenerRef, List<String>> byListener,
            List<String> defaults) {}

    private final Map<String, Chosen> aliases = new ConcurrentHashMap<>();
    private volatile Generation current;
    private long generations;

    /** Serves {@code certificates} to every handshake from now on. */
    synchronized void update(SocketCertificates certificates) {
        long n = ++generations;
        Map<ListenerRef, List<String>> byListener = new java.util.HashMap<>();
        certificates
                .listeners()
                .forEach((ref, material) -> byListener.put(
                        ref, register(n, ref.gateway() + "/" + ref.listener(), material, Optional.of(ref))));
        List<String> defaults = register(
                n,
                "default",
                certificates.listeners().getOrDefault(certificates.fallback(), List.of()),
                Optional.empty());
        current = new Generation(n, certificates, byListener, defaults);
        aliases.entrySet().removeIf(e -> e.getValue().generation() < n - 1);
    }

    /**
     * The listener the SNI of the connection that sent {@code leaf} selected; empty when the
     * client sent no SNI, or a name no listener accepts.
     */
    static Optional<ListenerRef> sniListener(Certificate leaf) {
        return leaf instanceof TaggedCertificate t ? t.listener() : Optional.empty();
    }

    private List<String> register(long n, String name, List<KeyMaterial> material, Optional<ListenerRef> listener) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < material.size(); i++) {
            String alias = n + "/" + name + "/" + i;
            X509Certificate[] chain = material.get(i).chain().toArray(X509Certificate[]::new);
            chain[0] = new TaggedCertificate(chain[0], listener);
            aliases.put(alias, new Chosen(chain, material.get(i).key(), listener, n));
            out.add(alias);
        }
        return out;
    }

    private String choose(String keyType, SSLSession handshake) {
        Generation g = current;
        if (g == null || keyType == null) {
            return null;
        }
        List<String> candidates = serverName(handshake)
                .flatMap(g.certificates()::selectedBy)
                .map(ref -> g.byListener().getOrDefault(ref, List.of()))
                .orElse(g.defaults());
        String wanted = keyType.split("_")[0];
        for (String alias : candidates) {
            Chosen c = aliases.get(alias);
            if (c != null && keyTypeMatches(wanted, c.key().getAlgorithm())) {
                return alias;
            }
        }
        return null;
    }

    private static boolean keyTypeMatches(String keyType, String keyAlgorithm) {
        return keyType.equalsIgnoreCase(keyAlgorithm)
                || (keyType.equalsIgnoreCase("EdDSA") && keyAlgorithm.startsWith("Ed"));
    }

    private static Optional<String> serverName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession s) {
            for (SNIServerName n : s.getRequestedServerNames()) {
                if (n.getType() == StandardConstants.SNI_HOST_NAME && n instanceof SNIHostName h) {
                    String name = h.getAsciiName().toLowerCase(Locale.ROOT);
                    return Optional.of(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Chosen c = alias == null ? null : aliases.get(alias);
        return c == null ? null : c.chain().clone(); // the same certificate objects: see sniListener
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Chosen c = alias == null ? null : aliases.get(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        if (g == null) {
            return null;
        }
        String wanted = keyType.split("_")[0];
        return aliases.entrySet().stream()
                .filter(e -> e.getValue().generation() == g.number()
                        && keyTypeMatches(wanted, e.getValue().key().getAlgorithm()))
                .map(Map.Entry::getKey)
                .toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // server side only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null; // server side only
    }
}
