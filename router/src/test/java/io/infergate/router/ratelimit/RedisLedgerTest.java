package io.infergate.router.ratelimit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Redis ledger against a real redis-server on loopback. */
class RedisLedgerTest {
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private static RedisLedger ledger(AtomicLong nanos, AtomicInteger errors) {
        return new RedisLedger(
                RateLimitSettings.DEFAULT.withRedis("127.0.0.1", redis.port()), nanos::get, errors::incrementAndGet);
    }

    private static Draw draw(String key, long limit, long cost) {
        return new Draw(key, Draw.Kind.TOKENS, limit, cost, 60_000, 60_000);
    }

    @Test
    void takesAllOrNoneAndCountersExpire() throws Exception {
        try (RedisLedger ledger = ledger(new AtomicLong(), new AtomicInteger())) {
            assertEquals(
                    new Ledger.Verdict.Taken(List.of(60L, 1L)),
                    ledger.take(List.of(draw("atomic:a", 100, 60), draw("atomic:b", 2, 1))));
            assertEquals(
                    new Ledger.Verdict.Refused(1, 60),
                    ledger.take(List.of(draw("atomic:b", 2, 1), draw("atomic:a", 100, 50))));
            assertEquals("1", redis.command("GET atomic:b"), "the refused take incremented nothing");
            long ttl = Long.parseLong(redis.command("PTTL atomic:a").substring(1));
            assertEquals(true, ttl > 60_000 && ttl <= 120_000, "the window plus a grace for late settlements: " + ttl);
            ledger.adjust("atomic:a", -20, 0);
            assertEquals("40", redis.command("GET atomic:a"));
            ledger.adjust("atomic:gone", -20, 0);
            assertEquals("$-1", redis.command("GET atomic:gone"), "a refund never creates a counter");
            ledger.adjust("atomic:new", 15, 1000);
            assertEquals("15", redis.command("GET atomic:new"), "a charge does");
        }
    }

    @Test
    void threeRoutersRacingForOneWindowNeverOvershoot() throws Exception {
        AtomicInteger errors = new AtomicInteger();
        List<RedisLedger> ledgers = List.of(
                ledger(new AtomicLong(), errors), ledger(new AtomicLong(), errors), ledger(new AtomicLong(), errors));
        AtomicLong taken = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 60; t++) { // 1,200 takes of 1-7 tokens (about 4,800) for 3,000
                RedisLedger l = ledgers.get(t % 3);
                long cost = 1L + t % 7;
                all.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20; i++) {
                        if (l.take(List.of(draw("race", 3_000, cost))) instanceof Ledger.Verdict.Taken) {
                            taken.addAndGet(cost);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            ledgers.forEach(RedisLedger::close);
        }
        assertEquals(0, errors.get());
        assertEquals(redis.command("GET race"), Long.toString(taken.get()), "Redis holds exactly what was admitted");
        assertEquals(true, taken.get() <= 3_000 && taken.get() > 3_000 - 7, "full to within one draw: " + taken.get());
    }

    @Test
    void aDeadServerFailsFastUntilTheRetryIntervalThenRecovers() throws Exception {
        AtomicLong nanos = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        try (RedisLedger ledger = ledger(nanos, errors)) {
            assertInstanceOf(Ledger.Verdict.Taken.class, ledger.take(List.of(draw("dead:a", 10, 1))));
            redis.kill();
            assertThrows(Ledger.Unavailable.class, () -> ledger.take(List.of(draw("dead:a", 10, 1))));
            assertEquals(1, errors.get());
            assertThrows(Ledger.Unavailable.class, () -> ledger.take(List.of(draw("dead:a", 10, 1))));
            assertEquals(1, errors.get(), "within the retry interval Redis is not asked");
            redis.restart();
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                nanos.addAndGet(Duration.ofSeconds(1).toNanos());
                assertEquals(
                        new Ledger.Verdict.Taken(List.of(1L)),
                        ledger.take(List.of(draw("dead:a", 10, 1))),
                        "a fresh server: the script is loaded again (NOSCRIPT) and counting starts over");
            });
        }
    }

    @Test
    void aFlushedScriptCacheIsReloaded() throws IOException, Ledger.Unavailable {
        try (RedisLedger ledger = ledger(new AtomicLong(), new AtomicInteger())) {
            ledger.take(List.of(draw("flush:a", 10, 1)));
            assertEquals("+OK", redis.command("SCRIPT FLUSH"));
            assertEquals(new Ledger.Verdict.Taken(List.of(2L)), ledger.take(List.of(draw("flush:a", 10, 1))));
        }
    }
}
