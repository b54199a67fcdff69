package io.infergate.router.ratelimit;

import io.infergate.common.snapshot.RateLimitPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter with local counts only, and with global limits but no Redis configured. */
class RateLimiterTest {
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L); // at a minute's start
    private final List<String> outcomes = new ArrayList<>();
    private final AtomicLong storeErrors = new AtomicLong();
    private final RateLimiter limiter =
            new RateLimiter(RateLimitSettings.DEFAULT, clock::get, System::nanoTime, new RateLimiter.Outcomes() {
                @Override
                public void decided(String outcome) {
                    outcomes.add(outcome);
                }

                @Override
                public void storeFailed() {
                    storeErrors.incrementAndGet();
                }
            });

    private static RateLimitPolicy policy(RateLimitPolicy.FailureMode mode, RateLimitPolicy.Limit... limits) {
        return new RateLimitPolicy("ratelimitpolicy/default/p", List.of("httproute/default/r"), mode, List.of(limits));
    }

    private static RateLimitPolicy.Limit local(long tokens, long requests) {
        return new RateLimitPolicy.Limit(
                RateLimitPolicy.Scope.LOCAL, RateLimitPolicy.Unit.MINUTE, tokens, requests, List.of(), List.of());
    }

    private static RateLimitPolicy.Limit global(long tokens) {
        return new RateLimitPolicy.Limit(
                RateLimitPolicy.Scope.GLOBAL, RateLimitPolicy.Unit.MINUTE, tokens, 0, List.of(), List.of());
    }

    @Test
    void localLimitsReserveSettleAndRefuseWithHeaders() {
        RateLimitPolicy p = policy(RateLimitPolicy.FailureMode.OPEN, local(100, 10));
        Decision.Admitted first = assertInstanceOf(Decision.Admitted.class, limiter.check(p, "t", "m", 60));
        assertEquals("40", first.headers().get("x-ratelimit-remaining-tokens"));
        assertEquals("9", first.headers().get("x-ratelimit-remaining-requests"));
        assertEquals("1m0s", first.headers().get("x-ratelimit-reset-tokens"));
        Decision.Limited over = assertInstanceOf(Decision.Limited.class, limiter.check(p, "t", "m", 50));
        assertEquals("60", over.retryAfter().toSeconds() + "", "the minute has just begun");
        assertEquals("60", over.headers().get("retry-after"));
        assertTrue(over.message().contains("60 of 100 per minute"), over.message());
        limiter.settle(first.reservation(), 45); // the server reported 45 tokens: 15 come back
        assertInstanceOf(Decision.Admitted.class, limiter.check(p, "t", "m", 50), "45 + 50 fits in 100");
        assertInstanceOf(Decision.Admitted.class, limiter.check(p, "other", "m", 100), "another tenant's count");
        assertEquals(List.of("admitted", "limited", "admitted", "admitted"), outcomes);
    }

    @Test
    void aRequestLargerThanTheLimitIsToldSo() {
        RateLimitPolicy p = policy(RateLimitPolicy.FailureMode.OPEN, local(100, 0));
        Decision.Limited l = assertInstanceOf(Decision.Limited.class, limiter.check(p, "t", "m", 101));
        assertTrue(l.message().contains("lower max_tokens"), l.message());
    }

    @Test
    void withoutRedisGlobalLimitsApplyTheFailureModeAndLocalDrawsAreGivenBack() {
        RateLimitPolicy closed = policy(RateLimitPolicy.FailureMode.CLOSED, local(0, 1), global(100));
        assertInstanceOf(Decision.Unavailable.class, limiter.check(closed, "t", "m", 10));
        assertInstanceOf(
                Decision.Unavailable.class,
                limiter.check(closed, "t", "m", 10),
                "not 429: the local request the refused call took was given back");
        RateLimitPolicy open = policy(RateLimitPolicy.FailureMode.OPEN, global(100));
        Decision.Admitted a = assertInstanceOf(Decision.Admitted.class, limiter.check(open, "t", "m", 1_000));
        assertEquals(List.of(), a.reservation().tokens(), "nothing was counted, nothing to settle");
        assertEquals(List.of("failed_closed", "failed_closed", "failed_open"), outcomes);
        assertEquals(3, storeErrors.get(), "a global limit without a configured Redis counts as a store failure");
    }
}
