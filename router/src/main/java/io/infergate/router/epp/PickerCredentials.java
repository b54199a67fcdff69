package io.infergate.router.epp;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.infergate.common.tls.Issuer;
import io.infergate.common.tls.KeyMaterial;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * The ext_proc port's credentials. By default a certificate made at start-up, as the reference
 * picker does: gateways talk TLS to the picker without verifying it (Istio and Envoy Gateway
 * configure the EPP connection so), and nothing has to be provisioned. A leaf signed by a
 * throwaway CA rather than a CA certificate used as a server certificate, which strict TLS stacks
 * refuse. Files (PEM chain and PKCS#8 key, e.g. from cert-manager) when given; plaintext on request.
 */
final class PickerCredentials {

    private static final Logger LOG = Logger.getLogger(PickerCredentials.class.getName());
    private static final char[] NO_PASSWORD = new char[0];

    private PickerCredentials() {}

    static ServerCredentials of(EppSettings s) {
        return switch (s.tls()) {
            case PLAINTEXT -> InsecureServerCredentials.create();
            case SELF_SIGNED -> {
                Issuer.Issued ca = Issuer.ca("infergate-picker-ca", Issuer.KeyType.EC_P256, Duration.ofDays(3650));
                Issuer.Issued leaf =
                        Issuer.leaf(ca, List.of("infergate-picker"), Issuer.KeyType.EC_P256, Duration.ofDays(3650));
                LOG.info("picker: serving a self-signed certificate (router.picker.tls: files to use your own)");
                yield tls(leaf.keys().getPrivate(), new Certificate[] {leaf.certificate(), ca.certificate()});
            }
            case FILES -> {
                try {
                    KeyMaterial m = KeyMaterial.parse(
                            Files.readString(s.certFile().orElseThrow(), StandardCharsets.US_ASCII),
                            Files.readString(s.keyFile().orElseThrow(), StandardCharsets.US_ASCII));
                    yield tls(m.key(), m.chain().toArray(Certificate[]::new));
                } catch (IOException | KeyMaterial.Invalid e) {
                    throw new IllegalArgumentException("picker cert-file/key-file: " + e.getMessage(), e);
                }
            }
        };
    }

    private static ServerCredentials tls(PrivateKey key, Certificate[] chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("picker", key, NO_PASSWORD, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            return TlsServerCredentials.newBuilder()
                    .keyManager(kmf.getKeyManagers())
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("picker TLS key store: " + e.getMessage(), e);
        }
    }
}
