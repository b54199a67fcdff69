package io.infergate.common.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Issues X.509 v3 certificates with the JDK alone (it has no public certificate builder): a
 * self-signed CA, and leaf certificates with DNS subject alternative names signed by it. For
 * tests, benchmarks and a gateway's own internal CA; user-facing certificates come from
 * cert-manager or the user.
 *
 * <p>Rules: serials are 64 random bits; validity starts a minute in the past (clock skew); CA
 * certificates carry a critical basicConstraints CA=true and keyUsage keyCertSign; leaves carry
 * the DNS names (and URIs) as subjectAltName (clients ignore the CN) and extendedKeyUsage serverAuth.
 */
public final class Issuer {

    /** The key types issued. */
    public enum KeyType {
        /** ECDSA P-256 with SHA-256: fast to generate, the default. */
        EC_P256,
        /** RSA 2048 with SHA-256: what most public certificates still use. */
        RSA_2048
    }

    /**
     * A certificate and its key pair.
     *
     * @param certificate the issued certificate
     * @param keys        its key pair
     */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        /** {@code tls.crt}: the certificate as PEM. */
        public String certificatePem() {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code tls.key}: the private key as PKCS#8 PEM. */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        }

        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal() + ", key redacted]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Issuer() {}

    /** A self-signed CA certificate valid for {@code validity}. */
    public static Issued ca(String commonName, KeyType type, Duration validity) {
        KeyPair keys = generate(type);
        byte[] extensions = Der.sequence(
                extension("2.5.29.19", true, Der.sequence(Der.bool(true))),
                extension("2.5.29.15", true, Der.bits(new byte[] {0x06}))); // keyCertSign | cRLSign
        return sign(commonName, keys, commonName, keys, validity, extensions);
    }

    /**
     * A leaf certificate for {@code dnsNames} signed by {@code ca}. A name with {@code ://} in it
     * becomes a URI subject alternative name (a SPIFFE id, say) instead of a DNS name.
     */
    public static Issued leaf(Issued ca, List<String> dnsNames, KeyType type, Duration validity) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a leaf certificate needs at least one DNS name");
        }
        KeyPair keys = generate(type);
        List<byte[]> names = new ArrayList<>();
        for (String n : dnsNames) {
            // GeneralName: [2] dNSName, [6] uniformResourceIdentifier (both IA5String)
            names.add(Der.context(
                    n.contains("://") ? 6 : 2, false, n.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        byte[] extensions = Der.sequence(
                extension("2.5.29.17", false, Der.sequence(names.toArray(byte[][]::new))),
                extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"))));
        String issuer = ca.certificate().getSubjectX500Principal().getName().replaceFirst("^CN=", "");
        return sign(dnsNames.getFirst(), keys, issuer, ca.keys(), validity, extensions);
    }

    /** {@code -----BEGIN type-----}, base64 in 64-character lines, {@code -----END type-----}. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static Issued sign(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, Duration validity, byte[] ext) {
        String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] algorithmId = algorithm.equals("SHA256withECDSA")
                ? Der.sequence(Der.oid("1.2.840.10045.4.3.2"))
                : Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.nul());
        Instant from = Instant.now().minusSeconds(60);
        byte[] tbs = Der.sequence(
                Der.context(0, true, Der.integer(2)), // v3
                Der.integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)),
                algorithmId,
                name(issuer),
                Der.sequence(time(from), time(from.plus(validity))),
                name(subject),
                subjectKeys.getPublic().getEncoded(),
                Der.context(3, true, ext));
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(issuerKeys.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithmId, Der.bits(signer.sign()));
            X509Certificate cert =
                    KeyMaterial.certificates(pem("CERTIFICATE", der)).getFirst();
            return new Issued(cert, subjectKeys);
        } catch (GeneralSecurityException | KeyMaterial.Invalid e) {
            throw new IllegalStateException("issuing a certificate for " + subject + " failed", e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
    }

    /** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
    private static byte[] time(Instant t) {
        var utc = t.atOffset(ZoneOffset.UTC);
        return utc.getYear() < 2050
                ? Der.tlv(Der.UTC_TIME, UTC_TIME.format(utc).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                : Der.tlv(
                        Der.GENERALIZED_TIME,
                        GENERALIZED_TIME.format(utc).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static KeyPair generate(KeyType type) {
        try {
            return switch (type) {
                case EC_P256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    yield g.generateKeyPair();
                }
                case RSA_2048 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    yield g.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generating a " + type + " key failed", e);
        }
    }
}
