package io.infergate.router.backendtls;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.ServingTls;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BackendTLSPolicy end to end: the router speaks HTTPS to a simulator pod serving a certificate
 * made here, verifies it against the policy's CA and names, and answers a clear 502 (never a
 * crash, never plain text) when it does not verify.
 */
class BackendTlsTest {
    private static final Issuer.Issued CA = Issuer.ca("backend CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued OTHER_CA = Issuer.ca("other CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued SERVER = Issuer.leaf(
            CA,
            List.of("abc.example.com", "spiffe://abc.example.com/test-identity", "*.wild.example.com"),
            Issuer.KeyType.EC_P256,
            Duration.ofDays(1));

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("vllm-tls-0")
                .tls(Optional.of(new ServingTls(SERVER.certificatePem(), SERVER.privateKeyPem())))
                .build());
        router = RouterFixture.start();
        port = Http.freePort();
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static BackendTls policy(
            String backend, String hostname, List<BackendTls.SubjectAltName> sans, String... cas) {
        return new BackendTls(backend, BackendTls.idOf("default", "vllm-tls"), hostname, sans, List.of(cas), false);
    }

    private static BackendTls.SubjectAltName dns(String name) {
        return new BackendTls.SubjectAltName(BackendTls.Type.HOSTNAME, name);
    }

    private static BackendTls.SubjectAltName uri(String name) {
        return new BackendTls.SubjectAltName(BackendTls.Type.URI, name);
    }

    /** Serves one route to the TLS pod, through a Service or an InferencePool, with {@code tls} on it. */
    private static void serve(Backend backend, Optional<BackendTls> tls) {
        Snapshot s = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("r").rule(rule(prefix("/")).backend(backend.id())).build()),
                List.of(backend));
        Snapshot with = new Snapshot(
                s.schemaVersion(),
                s.gateways(),
                s.routes(),
                s.backends(),
                s.objectives(),
                s.routers(),
                s.certificates(),
                s.authPolicies(),
                s.rateLimitPolicies(),
                tls.stream().toList());
        Http.Reply put = router.put(with);
        assertEquals(200, put.status(), put.body());
    }

    private static Backend.Service tlsService() {
        return service("vllm", 443, endpoint("127.0.0.1", pod.port(), "vllm-tls-0"));
    }

    @Test
    void servicePortOverTlsWithTheCaAndHostname() {
        Backend.Service s = tlsService();
        serve(s, Optional.of(policy(s.id(), "abc.example.com", List.of(), CA.certificatePem())));
        long before = pod.echoedTotal();
        Http.Reply r = router.http().get(port, "gw.test", "/echo/path?x=1");
        assertEquals(200, r.status(), r.body());
        assertEquals(before + 1, pod.echoedTotal(), "the request reached the TLS pod");
        Http.Reply chat = router.http()
                .post(port, "gw.test", "/v1/completions", "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hi\"}");
        assertEquals(200, chat.status(), chat.body());
        assertTrue(chat.body().contains("\"choices\""), chat.body());
    }

    @Test
    void inferencePoolOverTlsWithAWildcardCertificateName() {
        Backend.InferencePool p = pool("vllm-pool", endpoint("127.0.0.1", pod.port(), "vllm-tls-0"));
        serve(p, Optional.of(policy(p.id(), "pool.wild.example.com", List.of(), CA.certificatePem())));
        Http.Reply r = router.http()
                .post(port, "gw.test", "/v1/completions", "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hi\"}");
        assertEquals(200, r.status(), r.body());
        Http.Reply models = router.http().get(port, "gw.test", "/v1/models");
        assertEquals(200, models.status(), models.body());
        assertTrue(models.body().contains("Qwen2.5-0.5B-Instruct"), models.body());
    }

    @Test
    void aHostnameTheCertificateDoesNotNameIs502() {
        Backend.Service s = tlsService();
        serve(s, Optional.of(policy(s.id(), "mismatch.example.com", List.of(), CA.certificatePem())));
        long before = pod.echoedTotal();
        Http.Reply r = router.http().get(port, "gw.test", "/echo");
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_tls_failed", r.errorCode());
        assertTrue(r.body().contains("do not match the hostname mismatch.example.com"), r.body());
        assertEquals(before, pod.echoedTotal(), "nothing was sent to an unverified backend");
    }

    @Test
    void aCertificateFromAnotherCaIs502() {
        Backend.Service s = tlsService();
        serve(s, Optional.of(policy(s.id(), "abc.example.com", List.of(), OTHER_CA.certificatePem())));
        Http.Reply r = router.http().get(port, "gw.test", "/echo");
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_tls_failed", r.errorCode());
        assertTrue(r.body().contains("does not lead to a CA trusted by backendtlspolicy/default/vllm-tls"), r.body());
    }

    @Test
    void subjectAltNamesReplaceTheHostnameCheck() {
        Backend.Service s = tlsService();
        // the hostname is only SNI here: the certificate does not name it, the URI SAN matches
        serve(
                s,
                Optional.of(policy(
                        s.id(),
                        "sni-only.example.com",
                        List.of(uri("spiffe://abc.example.com/test-identity")),
                        CA.certificatePem())));
        assertEquals(200, router.http().get(port, "gw.test", "/echo").status());

        serve(
                s,
                Optional.of(policy(
                        s.id(),
                        "abc.example.com",
                        List.of(uri("spiffe://def.example.com/test-identity"), dns("def.example.com")),
                        CA.certificatePem())));
        Http.Reply r = router.http().get(port, "gw.test", "/echo");
        assertEquals(502, r.status(), r.body());
        assertTrue(r.body().contains("include none of"), r.body());

        serve(
                s,
                Optional.of(
                        policy(s.id(), "abc.example.com", List.of(dns("x.wild.example.com")), CA.certificatePem())));
        assertEquals(200, router.http().get(port, "gw.test", "/echo").status());
    }

    @Test
    void aPolicyWithoutAValidCaRefusesWithoutConnecting() {
        Backend.Service s = tlsService();
        serve(s, Optional.of(policy(s.id(), "abc.example.com", List.of())));
        long before = pod.echoedTotal();
        Http.Reply r = router.http().get(port, "gw.test", "/echo");
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_tls_failed", r.errorCode());
        assertTrue(r.body().contains("has no valid CA certificate"), r.body());
        assertEquals(before, pod.echoedTotal());
    }

    @Test
    void withoutAPolicyTheRouterSpeaksPlainTextAndTheTlsPodRefusesIt() {
        serve(tlsService(), Optional.empty());
        Http.Reply r = router.http().get(port, "gw.test", "/echo");
        assertEquals(502, r.status(), r.body());
        assertTrue(r.errorCode().startsWith("upstream_"), r.body());
    }
}
