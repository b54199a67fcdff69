package io.infergate.controller.internalca;

import io.infergate.common.tls.Issuer;
import io.infergate.common.tls.KeyMaterial;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the internal-TLS Secret must hold, from what it holds and the time. */
class InternalCaTest {

    private static final String ID = "kthena-router.kthena-system.svc";
    private static final InternalCa.Policy POLICY = InternalCa.Policy.defaults();
    private final Instant now = Instant.now();

    private InternalCa.Decision.Write created() {
        return assertInstanceOf(InternalCa.Decision.Write.class, InternalCa.decide(Optional.empty(), ID, now, POLICY));
    }

    @Test
    void anAbsentSecretGetsACaAndALeafForTheIdentitySignedByIt() throws Exception {
        InternalCa.Decision.Write w = created();
        assertEquals("no CA yet", w.why());
        KeyMaterial ca = KeyMaterial.parse(text(w.data(), "ca.crt"), text(w.data(), "ca.key"));
        KeyMaterial leaf = KeyMaterial.parse(text(w.data(), "tls.crt"), text(w.data(), "tls.key"));
        assertTrue(ca.leaf().getBasicConstraints() >= 0, "a CA certificate");
        leaf.leaf().verify(ca.leaf().getPublicKey());
        assertEquals(List.of(ID), RouterTrust.names(leaf.leaf()));
        assertEquals(List.of(leaf.leaf(), ca.leaf()), leaf.chain(), "tls.crt: leaf, then the CA");
        assertEquals(List.of(ca.leaf()), w.trust());
        assertTrue(!w.toString().contains("PRIVATE"), "never prints the keys");
    }

    @Test
    void aGoodSecretIsKeptAsItIs() {
        InternalCa.Decision.Write w = created();
        InternalCa.Decision d = InternalCa.decide(Optional.of(w.data()), ID, now.plus(Duration.ofDays(59)), POLICY);
        assertEquals(new InternalCa.Decision.Keep(w.trust()), d);
    }

    @Test
    void aLeafWithLessThanThirtyDaysLeftIsRenewedWithTheSameCa() throws Exception {
        InternalCa.Decision.Write w = created();
        InternalCa.Decision.Write renewed = assertInstanceOf(
                InternalCa.Decision.Write.class,
                InternalCa.decide(Optional.of(w.data()), ID, now.plus(Duration.ofDays(61)), POLICY));
        assertTrue(renewed.why().startsWith("the serving certificate expires"), renewed.why());
        assertArrayEquals(w.data().get("ca.key"), renewed.data().get("ca.key"));
        assertArrayEquals(w.data().get("ca.crt"), renewed.data().get("ca.crt"));
        assertNotEquals(text(w.data(), "tls.key"), text(renewed.data(), "tls.key"));
        assertEquals(w.trust(), renewed.trust());
    }

    @Test
    void aCaWithLessThanAYearLeftIsReplacedAndTheOldOneStaysTrustedUntilItExpires() {
        InternalCa.Decision.Write w = created();
        Instant late = now.plus(Duration.ofDays(3650 - 300));
        InternalCa.Decision.Write rotated = assertInstanceOf(
                InternalCa.Decision.Write.class, InternalCa.decide(Optional.of(w.data()), ID, late, POLICY));
        assertTrue(rotated.why().startsWith("the CA expires"), rotated.why());
        assertEquals(2, rotated.trust().size());
        assertEquals(w.trust().getFirst(), rotated.trust().get(1), "old CA second");
        // a CA of the bundle that has expired is dropped at the next write (validity 1 s starting
        // a minute ago: expired already)
        Issuer.Issued expired = Issuer.ca("expired", Issuer.KeyType.EC_P256, Duration.ofSeconds(1));
        Map<String, byte[]> withExpired = new HashMap<>(w.data());
        withExpired.put(
                "ca.crt", (text(w.data(), "ca.crt") + expired.certificatePem()).getBytes(StandardCharsets.UTF_8));
        withExpired.remove("tls.crt");
        InternalCa.Decision.Write next = assertInstanceOf(
                InternalCa.Decision.Write.class, InternalCa.decide(Optional.of(withExpired), ID, now, POLICY));
        assertEquals(w.trust(), next.trust());
    }

    @Test
    void aLeafOfAnotherCaOrForAnotherNameIsReplaced() {
        InternalCa.Decision.Write w = created();
        InternalCa.Decision.Write other = created();
        Map<String, byte[]> mixed = new HashMap<>(w.data());
        mixed.put("tls.crt", other.data().get("tls.crt"));
        mixed.put("tls.key", other.data().get("tls.key"));
        InternalCa.Decision.Write fixed = assertInstanceOf(
                InternalCa.Decision.Write.class, InternalCa.decide(Optional.of(mixed), ID, now, POLICY));
        assertEquals("the serving certificate is not signed by the current CA", fixed.why());
        InternalCa.Decision.Write renamed = assertInstanceOf(
                InternalCa.Decision.Write.class,
                InternalCa.decide(Optional.of(w.data()), "other.kthena-system.svc", now, POLICY));
        assertEquals("the serving certificate does not name other.kthena-system.svc", renamed.why());
        assertEquals(w.trust(), renamed.trust(), "same CA");
    }

    @Test
    void garbageOrALeafPosingAsTheCaStartsOver() {
        InternalCa.Decision.Write garbage = assertInstanceOf(
                InternalCa.Decision.Write.class,
                InternalCa.decide(
                        Optional.of(Map.of("ca.crt", "x".getBytes(StandardCharsets.UTF_8), "ca.key", new byte[0])),
                        ID,
                        now,
                        POLICY));
        assertTrue(garbage.why().startsWith("the CA is unusable"), garbage.why());
        Issuer.Issued ca = Issuer.ca("x", Issuer.KeyType.EC_P256, Duration.ofDays(3650));
        Issuer.Issued leaf = Issuer.leaf(ca, List.of(ID), Issuer.KeyType.EC_P256, Duration.ofDays(3650));
        InternalCa.Decision.Write notCa = assertInstanceOf(
                InternalCa.Decision.Write.class,
                InternalCa.decide(
                        Optional.of(Map.of(
                                "ca.crt", leaf.certificatePem().getBytes(StandardCharsets.UTF_8),
                                "ca.key", leaf.privateKeyPem().getBytes(StandardCharsets.UTF_8))),
                        ID,
                        now,
                        POLICY));
        assertEquals("the CA certificate is not a CA", notCa.why());
        X509Certificate fresh = notCa.trust().getFirst();
        assertTrue(fresh.getBasicConstraints() >= 0);
    }

    private static String text(Map<String, byte[]> data, String key) {
        return new String(data.get(key), StandardCharsets.UTF_8);
    }
}
