package io.infergate.common.tls;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyMaterialTest {

    private static final Issuer.Issued CA = Issuer.ca("test CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));

    @Test
    void issuedLeafParsesWithItsNamesAndVerifiesAgainstTheCa() throws Exception {
        Issuer.Issued leaf = Issuer.leaf(
                CA, List.of("a.example.com", "*.b.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        KeyMaterial m = KeyMaterial.parse(leaf.certificatePem() + CA.certificatePem(), leaf.privateKeyPem());
        assertEquals(2, m.chain().size());
        m.leaf().verify(CA.keys().getPublic());
        m.leaf().checkValidity();
        assertEquals(
                List.of("a.example.com", "*.b.example.com"),
                m.leaf().getSubjectAlternativeNames().stream()
                        .map(n -> (String) n.get(1))
                        .toList());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), m.leaf().getExtendedKeyUsage());
        assertEquals(Integer.MAX_VALUE, CA.certificate().getBasicConstraints(), "the CA is a CA without path limit");
    }

    @Test
    void rsaKeysReadAsPkcs8AndAsPkcs1() throws Exception {
        Issuer.Issued leaf = Issuer.leaf(CA, List.of("rsa.example.com"), Issuer.KeyType.RSA_2048, Duration.ofDays(1));
        assertEquals(
                "RSA",
                KeyMaterial.parse(leaf.certificatePem(), leaf.privateKeyPem())
                        .key()
                        .getAlgorithm());
        // PKCS#1 is the OCTET STRING inside the PKCS#8 PrivateKeyInfo
        byte[] pkcs8 = leaf.keys().getPrivate().getEncoded();
        Der.Reader info = Der.Reader.inside(new Der.Reader(pkcs8, 0, pkcs8.length).next());
        info.next();
        info.next();
        byte[] pkcs1 = info.next().content();
        KeyMaterial m = KeyMaterial.parse(leaf.certificatePem(), Issuer.pem("RSA PRIVATE KEY", pkcs1));
        assertEquals(
                ((RSAPrivateCrtKey) leaf.keys().getPrivate()).getPrivateExponent(),
                ((RSAPrivateCrtKey) m.key()).getPrivateExponent());
    }

    @Test
    void ecKeysReadAsSec1WithTheirCurve() throws Exception {
        Issuer.Issued leaf = Issuer.leaf(CA, List.of("ec.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        BigInteger s = ((ECPrivateKey) leaf.keys().getPrivate()).getS();
        byte[] raw = s.toByteArray();
        byte[] scalar = raw.length == 32 ? raw : Arrays.copyOfRange(raw, raw.length - 32, raw.length);
        if (raw.length < 32) {
            scalar = new byte[32];
            System.arraycopy(raw, 0, scalar, 32 - raw.length, raw.length);
        }
        byte[] sec1 =
                Der.sequence(Der.integer(1), Der.octets(scalar), Der.context(0, true, Der.oid("1.2.840.10045.3.1.7")));
        KeyMaterial m = KeyMaterial.parse(leaf.certificatePem(), Issuer.pem("EC PRIVATE KEY", sec1));
        assertEquals(s, ((ECPrivateKey) m.key()).getS());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Issuer.Issued one = Issuer.leaf(CA, List.of("one.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Issuer.Issued two = Issuer.leaf(CA, List.of("two.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        KeyMaterial.Invalid e = assertThrows(
                KeyMaterial.Invalid.class, () -> KeyMaterial.parse(one.certificatePem(), two.privateKeyPem()));
        assertEquals("the private key does not belong to the certificate", e.getMessage());
        assertFalse(KeyMaterial.matches(
                one.keys().getPrivate(),
                Issuer.leaf(CA, List.of("rsa.example.com"), Issuer.KeyType.RSA_2048, Duration.ofDays(1))
                        .keys()
                        .getPublic()));
    }

    @Test
    void brokenMaterialIsRefusedWithoutQuotingIt() {
        Issuer.Issued leaf = Issuer.leaf(CA, List.of("x.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        String key = leaf.privateKeyPem();
        for (String[] c : List.of(
                new String[] {"", key, "no PEM CERTIFICATE block"},
                new String[] {leaf.certificatePem(), "", "no PEM PRIVATE KEY block"},
                new String[] {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", key, "not a valid X.509"
                },
                new String[] {
                    leaf.certificatePem(),
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                    "encrypted"
                },
                new String[] {leaf.certificatePem(), key.replace("PRIVATE KEY", "DSA PRIVATE KEY"), "unsupported"})) {
            KeyMaterial.Invalid e = assertThrows(KeyMaterial.Invalid.class, () -> KeyMaterial.parse(c[0], c[1]));
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertFalse(e.getMessage().contains("BEGIN"), e.getMessage());
        }
        assertFalse(new KeyMaterial(List.of(leaf.certificate()), leaf.keys().getPrivate())
                .toString()
                .contains(key.substring(30, 60)));
    }
}
