package io.infergate.router.auth;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.infergate.router.auth.TestIssuer.jwk;
import static io.infergate.router.auth.TestIssuer.jwks;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Caching, refresh, rate-limited refetch on unknown kids and keeping the last good set. */
class JwksSourceTest {
    private static final KeyPair A = TestIssuer.rsa(2048);
    private static final KeyPair B = TestIssuer.ec("secp256r1");

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AtomicReference<String> document = new AtomicReference<>(jwks(jwk("a", A, null)));
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final JwksSource source = new JwksSource(
            URI.create("http://127.0.0.1/jwks"),
            uri -> {
                if (failure.get() != null) {
                    throw failure.get();
                }
                return document.get();
            },
            new JwksSource.Settings(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(1)),
            nanos::get);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void fetchesOnFirstUseAndCaches() {
        assertEquals("a", TestIssuer.kids(source.keys()));
        assertEquals("a", TestIssuer.kids(source.keys()));
        assertEquals(1, source.fetches(), "the second call uses the cache");
    }

    @Test
    void unknownKidRefetchesOncePerInterval() {
        source.keys();
        document.set(jwks(jwk("a", A, null), jwk("b", B, null)));
        advance(Duration.ofSeconds(11));
        assertEquals("a,b", TestIssuer.kids(source.refetchFor("b")), "rotation: the new kid is fetched");
        assertEquals(2, source.fetches());
        assertEquals("a,b", TestIssuer.kids(source.refetchFor("b")), "a known kid needs no fetch");
        source.refetchFor("made-up-1");
        source.refetchFor("made-up-2");
        assertEquals(2, source.fetches(), "made-up kids within 10 s of the last fetch fetch nothing");
        advance(Duration.ofSeconds(10));
        source.refetchFor("made-up-3");
        assertEquals(3, source.fetches(), "after the interval one more fetch is allowed");
    }

    @Test
    void failedFetchKeepsTheLastGoodSet() {
        source.keys();
        failure.set(new IOException("connection refused"));
        advance(Duration.ofSeconds(11));
        assertEquals("a", TestIssuer.kids(source.refetchFor("b")), "the old keys still serve");
        document.set("{\"not\":\"a jwks\"}");
        failure.set(null);
        advance(Duration.ofSeconds(11));
        assertEquals("a", TestIssuer.kids(source.refetchFor("b")), "a document that is no JWKS is ignored too");
        assertEquals(3, source.fetches());
    }

    @Test
    void staleSetIsRefreshedByTheNextRequest() {
        source.keys();
        document.set(jwks(jwk("b", B, null)));
        advance(Duration.ofMinutes(4));
        assertEquals("a", TestIssuer.kids(source.keys()), "four minutes old: still fresh");
        advance(Duration.ofMinutes(2));
        assertEquals("b", TestIssuer.kids(source.keys()), "six minutes old: refreshed");
    }

    @Test
    void firstFetchFailureIsRetriedAfterTheInterval() {
        failure.set(new IOException("issuer down"));
        assertEquals(0, source.keys().keys().size());
        assertEquals(0, source.keys().keys().size());
        assertEquals(1, source.fetches(), "no fetch storm while the issuer is down");
        failure.set(null);
        advance(Duration.ofSeconds(10));
        assertEquals("a", TestIssuer.kids(source.keys()));
    }
}
