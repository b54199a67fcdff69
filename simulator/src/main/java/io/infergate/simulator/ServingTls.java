package io.infergate.simulator;

import java.util.Objects;

/**
 * The certificate a pod serves HTTPS with, as vLLM's {@code --ssl-certfile} and
 * {@code --ssl-keyfile} give it: PEM text, the chain leaf first, the key unencrypted.
 *
 * <p>The key is secret: {@link #toString()} leaves it out.
 *
 * @param certificateChainPem the certificate chain
 * @param privateKeyPem       the private key (PKCS#8, PKCS#1 RSA or SEC 1 EC)
 */
public record ServingTls(String certificateChainPem, String privateKeyPem) {
    public ServingTls {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        if (!certificateChainPem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("the TLS certificate file holds no PEM certificate");
        }
        if (!privateKeyPem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("the TLS key file holds no PEM private key");
        }
    }

    @Override
    public String toString() {
        return "ServingTls[" + certificateChainPem.length() + " chars of certificates, key redacted]";
    }
}
