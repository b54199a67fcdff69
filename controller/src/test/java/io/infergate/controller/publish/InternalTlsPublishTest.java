package io.infergate.controller.publish;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.tls.Issuer;
import io.infergate.controller.internalca.InternalCa;
import io.infergate.controller.internalca.RouterTrust;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.router.snapshot.BearerToken;
import io.infergate.router.snapshot.CertificateFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's publisher pushing to real routers whose internal socket serves TLS with the
 * files of the internal-TLS Secret (docs/adr/0035-internal-api-tls.md): accepted when the router
 * proves the identity with a certificate of the controller's CA, refused otherwise, and still
 * accepted across a CA rotation.
 */
class InternalTlsPublishTest {

    private static final String TOKEN = "internal-token";
    private static final String IDENTITY = "kthena-router.kthena-system.svc";
    private static final Publisher.Settings FAST = new Publisher.Settings(
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300));
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> outcomes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void pushesOverTlsToARouterWithTheCasCertificateAndNeverInPlainText() throws Exception {
        InternalCa.Decision.Write secret = write(Optional.empty(), Instant.now());
        RouterApp router = router(files("good", secret.data()));
        RouterTrust trust = new RouterTrust(IDENTITY);
        trust.update(secret.trust());
        Publisher publisher = publisher(trust, https(router));
        String id = publish(publisher, Snapshot.empty());
        await().atMost(WITHIN).until(() -> publisher.inSync() == 1);
        assertEquals(List.of(new Publisher.RouterAck(https(router), Optional.of(id))), publisher.acks());

        // the same router does not answer plain HTTP on that port
        Publisher plain = publisher(trust, URI.create("http://127.0.0.1:" + router.internalPort()));
        publish(plain, Snapshot.empty());
        await().atMost(WITHIN).until(() -> outcomes.contains("failed"));
        assertEquals(0, plain.inSync());
    }

    @Test
    void aRouterWithACertificateOfAnotherCaOrForAnotherNameIsRefused() throws Exception {
        InternalCa.Decision.Write ours = write(Optional.empty(), Instant.now());
        InternalCa.Decision.Write theirs = write(Optional.empty(), Instant.now());
        RouterApp impostor = router(files("impostor", theirs.data()));
        // signed by our CA, but for another name
        Issuer.Issued ca = caOf(ours.data());
        Issuer.Issued otherName =
                Issuer.leaf(ca, List.of("someone-else.kthena-system.svc"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        RouterApp misnamed = router(files(
                "misnamed",
                Map.of("tls.crt", bytes(otherName.certificatePem()), "tls.key", bytes(otherName.privateKeyPem()))));
        RouterTrust trust = new RouterTrust(IDENTITY);
        trust.update(ours.trust());
        Publisher publisher = publisher(trust, https(impostor), https(misnamed));
        publish(publisher, Snapshot.empty());
        await().atMost(WITHIN)
                .until(() -> outcomes.stream().filter("failed"::equals).count() >= 4);
        assertEquals(0, publisher.inSync());
        assertTrue(publisher.acks().stream().allMatch(a -> a.ackedId().isEmpty()));
        assertTrue(!impostor.ready() && !misnamed.ready(), "neither router got the snapshot");
    }

    @Test
    void noSnapshotLeavesBeforeACaIsTrusted() throws Exception {
        InternalCa.Decision.Write secret = write(Optional.empty(), Instant.now());
        RouterApp router = router(files("good", secret.data()));
        RouterTrust trust = new RouterTrust(IDENTITY);
        assertTrue(!trust.ready());
        Publisher publisher = publisher(trust, https(router));
        publish(publisher, Snapshot.empty());
        await().atMost(WITHIN).until(() -> outcomes.contains("failed"));
        assertTrue(!router.ready());
        trust.update(secret.trust());
        await().atMost(WITHIN).until(router::ready);
    }

    @Test
    void aCaRotationKeepsPushingAndNewConnectionsSeeTheNewCertificate() throws Exception {
        InternalCa.Decision.Write first = write(Optional.empty(), Instant.now());
        Path folder = files("rotating", first.data());
        RouterApp router = router(folder);
        RouterTrust trust = new RouterTrust(IDENTITY);
        trust.update(first.trust());
        Publisher publisher = publisher(trust, https(router));
        publish(publisher, Snapshot.empty());
        await().atMost(WITHIN).until(() -> publisher.inSync() == 1);

        // Eleven years on the CA is due: a new CA and leaf; the bundle trusts both while routers
        // still serve the old leaf (the kubelet updates mounted Secrets with a delay).
        InternalCa.Decision.Write second =
                write(Optional.of(first.data()), Instant.now().plus(Duration.ofDays(3400)));
        assertEquals(2, second.trust().size(), "new CA first, the old one kept");
        assertEquals(second.trust().get(1), first.trust().getFirst());
        trust.update(second.trust());
        X509Certificate newLeaf = leaf(second.data());
        assertTrue(!newLeaf.equals(served(router)));

        replace(folder, second.data()); // the kubelet's swap
        await().atMost(WITHIN).until(() -> newLeaf.equals(served(router)));

        // a fresh client trusting only the new CA is accepted: the router serves the new leaf
        RouterTrust onlyNew = new RouterTrust(IDENTITY);
        onlyNew.update(List.of(second.trust().getFirst()));
        Snapshot other = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new io.infergate.common.snapshot.Gateway(
                        "gateway/default/gw", "default", "gw", List.of(), List.of())),
                List.of(),
                List.of(),
                List.of());
        Publisher fresh = publisher(onlyNew, https(router));
        String id = publish(fresh, other);
        await().atMost(WITHIN).until(() -> fresh.acks().getFirst().ackedId().equals(Optional.of(id)));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static InternalCa.Decision.Write write(Optional<Map<String, byte[]>> data, Instant now) {
        InternalCa.Decision d = InternalCa.decide(data, IDENTITY, now, InternalCa.Policy.defaults());
        assertTrue(d instanceof InternalCa.Decision.Write, d.toString());
        return (InternalCa.Decision.Write) d;
    }

    private Path files(String name, Map<String, byte[]> data) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        replace(folder, data);
        return folder;
    }

    /** Writes tls.crt and tls.key the way a Secret volume changes: each file replaced whole. */
    private static void replace(Path folder, Map<String, byte[]> data) throws Exception {
        for (String key : List.of("tls.crt", "tls.key")) {
            Path tmp = folder.resolve("." + key + ".tmp");
            Files.write(tmp, data.get(key));
            Files.move(tmp, folder.resolve(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private RouterApp router(Path folder) {
        RouterApp app = RouterApp.start(
                RouterConfig.defaults("127.0.0.1", 0, TOKEN),
                new Random(1),
                new BearerToken(TOKEN),
                Optional.of(new CertificateFiles(folder)));
        open.add(app);
        return app;
    }

    private Publisher publisher(RouterTrust trust, URI... routers) {
        Publisher p = new Publisher(
                List.of(routers), () -> Optional.of(TOKEN), Optional.of(trust::context), FAST, new Publisher.Events() {
                    @Override
                    public void acksChanged(List<Publisher.RouterAck> acks) {}

                    @Override
                    public void pushed(URI router, String outcome) {
                        outcomes.add(outcome);
                    }
                });
        p.start();
        open.add(p);
        return p;
    }

    private static String publish(Publisher publisher, Snapshot s) {
        String id = SnapshotJson.contentId(s);
        publisher.publish(id, SnapshotJson.toJson(s));
        return id;
    }

    private static URI https(RouterApp router) {
        return URI.create("https://127.0.0.1:" + router.internalPort());
    }

    private static Issuer.Issued caOf(Map<String, byte[]> data) throws Exception {
        var ca = io.infergate.common.tls.KeyMaterial.parse(
                new String(data.get("ca.crt"), java.nio.charset.StandardCharsets.UTF_8),
                new String(data.get("ca.key"), java.nio.charset.StandardCharsets.UTF_8));
        return new Issuer.Issued(ca.leaf(), new java.security.KeyPair(ca.leaf().getPublicKey(), ca.key()));
    }

    private static X509Certificate leaf(Map<String, byte[]> data) throws Exception {
        return io.infergate.common.tls.KeyMaterial.certificates(
                        new String(data.get("tls.crt"), java.nio.charset.StandardCharsets.UTF_8))
                .getFirst();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The certificate a new connection to the router's internal socket is shown. */
    private static X509Certificate served(RouterApp router) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", router.internalPort())) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
