package io.infergate.common.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key, parsed from the PEM of a {@code kubernetes.io/tls}
 * Secret ({@code tls.crt}, {@code tls.key}) and checked to belong together.
 *
 * <p>Accepted key encodings: PKCS#8 ({@code BEGIN PRIVATE KEY}; RSA, EC, Ed25519, RSASSA-PSS),
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default for RSA) and SEC 1
 * ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes). Encrypted keys are
 * refused: a Secret holds no passphrase. The key must sign what the first certificate's public key
 * verifies, so a rotated certificate paired with the old key is refused, not served.
 *
 * <p>Messages of {@link Invalid} never quote the material: they end up in object status and logs.
 *
 * @param chain the leaf first, then intermediates, as the Secret lists them
 * @param key   the leaf's private key
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----", Pattern.DOTALL);

    public KeyMaterial {
        chain = List.copyOf(chain);
    }

    /** The material is not usable; the message says why without quoting it. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message);
        }
    }

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + leaf().getSubjectX500Principal() + ", key " + key.getAlgorithm() + " (redacted)]";
    }

    /**
     * Parses and checks the material.
     *
     * @throws Invalid when a part is missing, unparsable, encrypted, or the key does not match
     */
    public static KeyMaterial parse(String certificatePem, String privateKeyPem) throws Invalid {
        List<X509Certificate> chain = certificates(certificatePem);
        PrivateKey key = privateKey(privateKeyPem);
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new Invalid("the private key does not belong to the certificate");
        }
        return new KeyMaterial(chain, key);
    }

    /** Every {@code CERTIFICATE} block, in order. */
    public static List<X509Certificate> certificates(String pem) throws Invalid {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem == null ? "" : pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    byte[] der = decode(m.group(2), "certificate");
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
        } catch (CertificateException e) {
            throw new Invalid("the certificate is not a valid X.509 certificate");
        }
        if (out.isEmpty()) {
            throw new Invalid("no PEM CERTIFICATE block in the certificate data");
        }
        return out;
    }

    static PrivateKey privateKey(String pem) throws Invalid {
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("ENCRYPTED PRIVATE KEY") || m.group(0).contains("Proc-Type: 4,ENCRYPTED")) {
                throw new Invalid("the private key is encrypted (a Secret carries no passphrase)");
            }
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der = decode(m.group(2), "private key");
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(der);
                case "RSA PRIVATE KEY" -> generate("RSA", wrapPkcs1(der));
                case "EC PRIVATE KEY" -> generate("EC", wrapSec1(der));
                default -> throw new Invalid("unsupported private key type '" + type + "'");
            };
        }
        throw new Invalid("no PEM PRIVATE KEY block in the key data");
    }

    private static byte[] decode(String base64, String what) throws Invalid {
        try {
            return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new Invalid("the " + what + " is not valid base64");
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws Invalid {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm: PKCS#8 names it inside, but the JDK wants to be told
            }
        }
        throw new Invalid("the private key is not a readable RSA, EC or Ed25519 PKCS#8 key");
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8) throws Invalid {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Invalid("the private key is not a readable " + algorithm + " key");
        }
    }

    /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (rsaEncryption, NULL parameters). */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        return Der.sequence(
                Der.integer(0), Der.sequence(Der.oid("1.2.840.113549.1.1.1"), Der.nul()), Der.octets(pkcs1));
    }

    /**
     * SEC 1 ECPrivateKey inside a PKCS#8 PrivateKeyInfo: the curve comes from the key's own
     * {@code [0] parameters}, which openssl and cert-manager always write.
     */
    private static byte[] wrapSec1(byte[] sec1) throws Invalid {
        try {
            Der.Reader top = new Der.Reader(sec1, 0, sec1.length);
            Der.Reader fields = Der.Reader.inside(top.next());
            byte[] curve = null;
            while (fields.hasNext()) {
                Der.Element e = fields.next();
                if (e.tag() == 0xA0) {
                    Der.Element oid = Der.Reader.inside(e).next();
                    curve = Der.tlv(oid.tag(), oid.content());
                }
            }
            if (curve == null) {
                throw new Invalid("the EC private key does not name its curve");
            }
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid("1.2.840.10045.2.1"), curve), Der.octets(sec1));
        } catch (IllegalArgumentException e) {
            throw new Invalid("the EC private key is not valid DER");
        }
    }

    /** Whether the key signs what the public key verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> null;
        };
        if (algorithm == null
                || (!key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())
                        && !(algorithm.equals("Ed25519")
                                && publicKey.getAlgorithm().startsWith("Ed")))) {
            return false;
        }
        try {
            byte[] probe = "infergate key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec(
                        "SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec(
                        "SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
