package io.infergate.conformance.inference;

import io.infergate.conformance.inference.Traffic.Echo;
import io.infergate.conformance.inference.Traffic.Expected;
import io.infergate.conformance.inference.Traffic.Response;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upstream's {@code assertTrafficOnlyReachesToExpectedPods} (and its data-parallel variant): once a
 * consistent answer came back, 100 requests, 10 at a time, must each be answered 200 by one of the
 * pods the picker was told to choose from. A 404 or 503 is retried (upstream: an unconverged
 * gateway), for up to two minutes per request; any other mismatch fails at once.
 */
final class Pinned {

    static final int TOTAL = 100;
    static final int CONCURRENT = 10;
    private static final Duration PER_REQUEST = Duration.ofMinutes(2);

    private Pinned() {}

    /**
     * @param extra a further check of the pod's echo (the data-parallel port), empty when fine
     */
    static void onlyTo(
            Traffic traffic,
            String gateway,
            Expected expected,
            List<String> podNames,
            BiFunction<String, Echo, Optional<String>> extra)
            throws Exception {
        traffic.eventually(gateway, expected);
        Semaphore slots = new Semaphore(CONCURRENT);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < TOTAL; i++) {
                slots.acquire();
                all.add(pool.submit(() -> {
                    try {
                        one(traffic, gateway, expected, podNames, extra).ifPresentOrElse(failures::add, () -> {});
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
        assertEquals(
                List.of(),
                List.copyOf(failures),
                "requests pinned by " + expected.request().headers());
    }

    /** One request, retried every 500 ms while it gets 404 or 503; the failure, or empty when it passed. */
    private static Optional<String> one(
            Traffic traffic,
            String gateway,
            Expected expected,
            List<String> podNames,
            BiFunction<String, Echo, Optional<String>> extra) {
        AtomicReference<Optional<String>> outcome = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            await().atMost(PER_REQUEST)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        try {
                            Response r = traffic.send(gateway, expected.request());
                            Optional<String> why = Traffic.mismatch(expected, gateway, r);
                            if (why.isEmpty()) {
                                String pod = r.echo().orElseThrow().pod();
                                outcome.set(
                                        podNames.contains(pod)
                                                ? extra.apply(pod, r.echo().get())
                                                : Optional.of("served by unexpected pod " + pod + " (expected one of "
                                                        + podNames + ")"));
                                return true;
                            }
                            if (r.status() != 404 && r.status() != 503) {
                                outcome.set(why);
                                return true;
                            }
                            last.set(why.get());
                        } catch (RuntimeException e) {
                            last.set(e.toString());
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            return Optional.of("no answer within " + PER_REQUEST.toSeconds() + " s: " + last.get());
        }
        return outcome.get();
    }

    /**
     * Upstream's {@code buildEPPHeader}: per IP (sorted), the bare IP when any port is allowed,
     * else {@code ip:port} per allowed port (sorted), comma-separated.
     */
    static String header(Map<String, Set<String>> allowedPortsByIp) {
        List<String> tokens = new ArrayList<>();
        allowedPortsByIp.keySet().stream().sorted().forEach(ip -> {
            Set<String> ports = allowedPortsByIp.get(ip);
            if (ports.isEmpty()) {
                tokens.add(ip);
            } else {
                ports.stream().sorted().forEach(p -> tokens.add(ip + ":" + p));
            }
        });
        return String.join(",", tokens);
    }
}
