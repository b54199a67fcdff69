package io.infergate.conformance.inference;

import io.infergate.conformance.inference.Traffic.Expected;
import io.infergate.conformance.inference.Traffic.Response;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upstream's split check of GatewayWeightedAcrossTwoInferencePools: 200 requests, 5 at a time,
 * each attributed to the pool whose pod served it (a pod of neither pool fails the test; a 404 or
 * 503 is retried for up to two minutes), and the primary share within max(0.10, 4.5 σ) of its
 * weight's share.
 */
final class Weighted {

    static final int TOTAL = 200;
    static final int CONCURRENT = 5;

    /** The hits per pool. */
    record Split(int primary, int secondary) {
        boolean withinTolerance(int primaryWeight, int secondaryWeight) {
            double total = primary + secondary;
            double expected = (double) primaryWeight / (primaryWeight + secondaryWeight);
            double sigma = Math.sqrt(expected * (1 - expected) / total);
            return Math.abs(primary / total - expected) <= Math.max(0.10, 4.5 * sigma);
        }

        @Override
        public String toString() {
            return "primary " + primary + ", secondary " + secondary + " of " + (primary + secondary);
        }
    }

    private Weighted() {}

    static Split split(
            Traffic traffic, String gateway, Expected expected, List<String> primaryPods, List<String> secondaryPods)
            throws Exception {
        traffic.eventually(gateway, expected);
        AtomicInteger primary = new AtomicInteger();
        AtomicInteger secondary = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(CONCURRENT);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < TOTAL; i++) {
                slots.acquire();
                all.add(pool.submit(() -> {
                    try {
                        AtomicReference<String> pod = new AtomicReference<>();
                        AtomicReference<String> last = new AtomicReference<>("");
                        await().atMost(Duration.ofMinutes(2))
                                .pollDelay(Duration.ZERO)
                                .pollInterval(Duration.ofMillis(500))
                                .until(() -> {
                                    Response r = traffic.send(gateway, expected.request());
                                    Optional<String> why = Traffic.mismatch(expected, gateway, r);
                                    if (why.isEmpty()) {
                                        pod.set(r.echo().orElseThrow().pod());
                                        return true;
                                    }
                                    last.set(why.get());
                                    if (r.status() != 404 && r.status() != 503) {
                                        failures.add(why.get());
                                        return true;
                                    }
                                    return false;
                                });
                        if (pod.get() == null) {
                            return null;
                        }
                        if (primaryPods.contains(pod.get())) {
                            primary.incrementAndGet();
                        } else if (secondaryPods.contains(pod.get())) {
                            secondary.incrementAndGet();
                        } else {
                            failures.add("served by " + pod.get() + ", a pod of neither pool");
                        }
                    } catch (ConditionTimeoutException e) {
                        failures.add("no answer within 2 minutes");
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertEquals(List.of(), List.copyOf(failures), "weighted requests");
        assertEquals(TOTAL, primary.get() + secondary.get(), "every request counted once");
        return new Split(primary.get(), secondary.get());
    }
}
