package io.infergate.router.scrape;

import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.tls.Issuer;
import io.infergate.router.backendtls.UpstreamTls;
import io.infergate.simulator.ServingTls;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scraping model servers that serve only HTTPS (vLLM {@code --ssl-certfile}): real simulator pods
 * serving a certificate made here, scraped over TLS with the pool's BackendTLSPolicy, and no
 * sample from a certificate the policy does not accept.
 */
class MetricsScraperTlsTest {
    private static final Issuer.Issued CA = Issuer.ca("model CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued OTHER_CA = Issuer.ca("other CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued SERVER =
            Issuer.leaf(CA, List.of("vllm.models.svc"), Issuer.KeyType.EC_P256, Duration.ofDays(1));

    private static SimulatedPod tlsPod;
    private static SimulatedPod plainPod;

    @BeforeAll
    static void start() {
        tlsPod = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("scrape-tls")
                .blockSize(16)
                .kvCacheBlocks(777)
                .tls(Optional.of(new ServingTls(SERVER.certificatePem(), SERVER.privateKeyPem())))
                .build());
        plainPod = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("scrape-plain")
                .kvCacheBlocks(333)
                .build());
    }

    @AfterAll
    static void stop() {
        tlsPod.close();
        plainPod.close();
    }

    private static Endpoint of(SimulatedPod pod) {
        return new Endpoint("127.0.0.1", pod.port(), Optional.of(pod.podName()), Map.of());
    }

    private static UpstreamTls policy(String hostname, String... cas) {
        return UpstreamTls.of(new BackendTls(
                "pool/models/vllm", BackendTls.idOf("models", "vllm-tls"), hostname, List.of(), List.of(cas), false));
    }

    private static ScrapeEndpoint tls(SimulatedPod pod, UpstreamTls tls) {
        return new ScrapeEndpoint(of(pod), Optional.of(tls));
    }

    @Test
    void aTlsOnlyPodIsScrapedOverTlsWithThePolicysCaAndHostnameBesideAPlainOne() {
        Endpoint e = of(tlsPod);
        Endpoint p = of(plainPod);
        ScrapeSettings d = ScrapeSettings.defaults();
        // a generous timeout: a stall of the (niced, shared) test machine is not a TLS failure
        ScrapeSettings patient =
                new ScrapeSettings(d.interval(), Duration.ofSeconds(10), d.staleAfter(), d.maxConcurrent());
        try (MetricsScraper scraper = new MetricsScraper(patient)) {
            scraper.track(
                    List.of(tls(tlsPod, policy("vllm.models.svc", CA.certificatePem())), ScrapeEndpoint.plain(p)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.latest(e.hostPort()).isPresent()
                            && scraper.latest(p.hostPort()).isPresent());
            Metrics m = scraper.latest(e.hostPort()).orElseThrow();
            assertEquals(777, m.blocks(), "the TLS pod's own metrics");
            assertEquals(16, m.blockSize());
            assertEquals(333, scraper.latest(p.hostPort()).orElseThrow().blocks());
            // later samples too, with no failure among them (counted from here: a first handshake
            // in a cold JVM is slow)
            long failed = scraper.failed();
            long succeeded = scraper.succeeded();
            long first = m.scrapedAtNanos();
            await().atMost(Duration.ofSeconds(10)).until(() -> scraper.succeeded() >= succeeded + 10);
            assertTrue(scraper.latest(e.hostPort()).orElseThrow().scrapedAtNanos() > first);
            assertEquals(failed, scraper.failed(), "no scrape failed");
        }
    }

    @Test
    void aCertificateThePolicyDoesNotAcceptGivesNoSample() {
        Endpoint e = of(tlsPod);
        try (MetricsScraper scraper = new MetricsScraper(ScrapeSettings.defaults())) {
            // a CA that did not sign the pod's certificate
            scraper.track(List.of(tls(tlsPod, policy("vllm.models.svc", OTHER_CA.certificatePem()))));
            await().atMost(Duration.ofSeconds(10)).until(() -> scraper.failed() >= 2);
            assertTrue(scraper.latest(e.hostPort()).isEmpty());
            assertEquals(0, scraper.succeeded());

            // the right CA: a changed policy starts the endpoint over, and it is scraped
            scraper.track(List.of(tls(tlsPod, policy("vllm.models.svc", CA.certificatePem()))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.latest(e.hostPort()).isPresent());

            // a hostname the certificate does not name: the sample taken under the old policy goes
            scraper.track(List.of(tls(tlsPod, policy("other.models.svc", CA.certificatePem()))));
            assertTrue(scraper.latest(e.hostPort()).isEmpty(), "the sample of the old policy is dropped");
            long failed = scraper.failed();
            await().atMost(Duration.ofSeconds(10)).until(() -> scraper.failed() >= failed + 2);
            assertTrue(scraper.latest(e.hostPort()).isEmpty(), "no sample under a name the certificate lacks");
        }
    }

    @Test
    void eachNewPolicyInstanceIsANewVerifiedConnection() {
        Endpoint e = of(tlsPod);
        ScrapeSettings d = ScrapeSettings.defaults();
        try (MetricsScraper scraper = new MetricsScraper(
                new ScrapeSettings(d.interval(), Duration.ofSeconds(10), d.staleAfter(), d.maxConcurrent()))) {
            for (int round = 0; round < 10; round++) {
                // the same content, a new instance: the target starts over with a new handshake
                scraper.track(List.of(tls(tlsPod, policy("vllm.models.svc", CA.certificatePem()))));
                assertTrue(scraper.latest(e.hostPort()).isEmpty(), "round " + round + ": the old sample is dropped");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> scraper.latest(e.hostPort()).isPresent());
            }
            assertEquals(0, scraper.failed(), "every handshake succeeded");
        }
    }

    @Test
    void aPlainTextScrapeOfATlsOnlyPodFails() {
        Endpoint e = of(tlsPod);
        try (MetricsScraper scraper = new MetricsScraper(ScrapeSettings.defaults())) {
            scraper.follow(List.of(e));
            await().atMost(Duration.ofSeconds(10)).until(() -> scraper.failed() >= 2);
            assertTrue(scraper.latest(e.hostPort()).isEmpty());
            assertEquals(0, scraper.succeeded());
        }
    }

    @Test
    void aPolicyThatTrustsNothingIsNeverScraped() {
        UpstreamTls none = policy("vllm.models.svc");
        assertTrue(none.tls() == null, "a policy without CAs has no TLS context");
        try (MetricsScraper scraper = new MetricsScraper(ScrapeSettings.defaults())) {
            scraper.track(List.of(tls(tlsPod, none), ScrapeEndpoint.plain(of(plainPod))));
            assertEquals(Set.of(of(plainPod).hostPort()), scraper.targets(), "no connection, not even in plain text");
        }
    }
}
