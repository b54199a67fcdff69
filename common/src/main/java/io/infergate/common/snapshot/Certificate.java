package io.infergate.common.snapshot;

/**
 * TLS key material an HTTPS listener serves: the content of one {@code kubernetes.io/tls} Secret.
 *
 * <p>Rules: this is a secret. {@link #toString()} redacts the key; nothing logs, stores or shows a
 * snapshot's certificates (docs/adr/0021-tls-key-material.md). The controller checked the material
 * before shipping it (a Secret that does not parse makes its listener not programmed instead);
 * the router checks it again and refuses a snapshot whose material does not parse.
 *
 * @param id               {@code secret/<namespace>/<name>}
 * @param certificateChain {@code tls.crt}: PEM, leaf first
 * @param privateKey       {@code tls.key}: PEM (PKCS#8, PKCS#1 RSA or SEC 1 EC)
 */
public record Certificate(String id, String certificateChain, String privateKey) {

    /** The id of the Secret {@code namespace/name}. */
    public static String idOf(String namespace, String name) {
        return "secret/" + namespace + "/" + name;
    }

    @Override
    public String toString() {
        return "Certificate[" + id + ", " + certificateChain.length() + " chars of certificates, key redacted]";
    }
}
