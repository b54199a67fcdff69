package io.infergate.router.schedule.admission;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.scrape.Metrics;
import io.infergate.router.testing.Views;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.pool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class AdmissionTest {

    private final AtomicReference<Metrics> sample =
            new AtomicReference<>(Views.metrics(10, 1, 0)); // 10/5 = 2: saturated
    private final Backend.InferencePool pool = pool("p", endpoint("10.0.0.1", 80, "a"));
    private final List<Target> endpoints = List.of(new Target(
            pool.endpoints().getFirst(),
            new EndpointRegistry().state(pool.endpoints().getFirst().hostPort())));

    private Admission admission(Duration timeout, int maxLength) {
        return admission(true, timeout, maxLength);
    }

    private Admission admission(boolean queue, Duration timeout, int maxLength) {
        return new Admission(
                new Admission.Settings(queue, timeout, maxLength, Duration.ofSeconds(2), Duration.ofMillis(20)),
                SaturationDetector.defaults(),
                k -> Optional.of(sample.get()),
                Duration.ofDays(1));
    }

    @Test
    void anUnsaturatedPoolAdmitsEveryone() throws InterruptedException {
        sample.set(Views.metrics(0, 1, 0));
        assertInstanceOf(
                Admission.Ticket.Admitted.class,
                admission(Duration.ofSeconds(10), 10).admit(pool.id(), endpoints, -5));
    }

    @Test
    void aSaturatedPoolShedsSheddableRequestsAtOnce() throws InterruptedException {
        Admission.Ticket t = admission(Duration.ofSeconds(10), 10).admit(pool.id(), endpoints, -1);
        assertEquals(
                Duration.ofSeconds(2),
                assertInstanceOf(Admission.Ticket.Shed.class, t).retryAfter());
    }

    @Test
    void queuedRequestsLeaveByPriorityThenArrivalAsSlotsFree() throws Exception {
        Admission a = admission(Duration.ofSeconds(30), 10);
        List<String> order = new CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            String[] names = {"low-0", "high-1", "high-2"};
            int[] priorities = {0, 5, 5};
            for (int i = 0; i < 3; i++) {
                String name = names[i];
                int priority = priorities[i];
                var unused = threads.submit(() -> {
                    assertInstanceOf(Admission.Ticket.Admitted.class, a.admit(pool.id(), endpoints, priority));
                    order.add(name);
                    return null;
                });
                int queued = i + 1;
                await().until(() -> a.waiting(pool.id()) == queued);
            }
            for (int i = 1; i <= 3; i++) {
                a.released(pool.id());
                int done = i;
                await().until(() -> order.size() == done);
            }
        }
        assertEquals(List.of("high-1", "high-2", "low-0"), order);
    }

    @Test
    void theQueueDrainsWhenThePoolStopsBeingSaturated() throws Exception {
        Admission a = admission(Duration.ofSeconds(30), 10);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Admission.Ticket> t = threads.submit(() -> a.admit(pool.id(), endpoints, 0));
            await().until(() -> a.waiting(pool.id()) == 1);
            sample.set(Views.metrics(0, 1, 0));
            assertInstanceOf(Admission.Ticket.Admitted.class, t.get());
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnce() throws Exception {
        Admission a = admission(Duration.ofSeconds(30), 1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Admission.Ticket> first = threads.submit(() -> a.admit(pool.id(), endpoints, 0));
            await().until(() -> a.waiting(pool.id()) == 1);
            assertEquals(
                    1,
                    assertInstanceOf(Admission.Ticket.Full.class, a.admit(pool.id(), endpoints, 7))
                            .length());
            sample.set(Views.metrics(0, 1, 0));
            assertInstanceOf(Admission.Ticket.Admitted.class, first.get());
        }
    }

    @Test
    void aWaitLongerThanTheQueueTimeoutEnds() throws InterruptedException {
        assertInstanceOf(
                Admission.Ticket.TimedOut.class,
                admission(Duration.ofMillis(30), 10).admit(pool.id(), endpoints, 0));
    }

    @Test
    void withoutTheQueueASaturatedPoolAdmitsPriorityZeroAtOnce() throws InterruptedException {
        // A zero queue timeout makes a queueing admission end at once with TimedOut, so only the
        // switch can turn this into Admitted: no clock is read by the test.
        assertInstanceOf(
                Admission.Ticket.TimedOut.class,
                admission(true, Duration.ZERO, 10).admit(pool.id(), endpoints, 0));
        Admission a = admission(false, Duration.ZERO, 10);
        for (int priority : new int[] {0, 3}) {
            assertInstanceOf(Admission.Ticket.Admitted.class, a.admit(pool.id(), endpoints, priority));
        }
        assertEquals(0, a.waiting(pool.id()), "nothing ever waits");
        a.released(pool.id()); // no queue to hand a slot to
        assertEquals(0, a.waiting(pool.id()));
    }

    @Test
    void withoutTheQueueSheddableRequestsAreStillShedWhileSaturated() throws InterruptedException {
        Admission a = admission(false, Duration.ofSeconds(30), 10);
        Admission.Ticket t = a.admit(pool.id(), endpoints, -1);
        assertEquals(
                Duration.ofSeconds(2),
                assertInstanceOf(Admission.Ticket.Shed.class, t).retryAfter());
        sample.set(Views.metrics(0, 1, 0));
        assertInstanceOf(Admission.Ticket.Admitted.class, a.admit(pool.id(), endpoints, -1));
    }

    @Test
    void withoutTheQueueOnlySheddableRequestsLookAtSaturation() {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier saturated = () -> {
            asked.incrementAndGet();
            return true;
        };
        assertInstanceOf(Admission.Ticket.Admitted.class, Admission.withoutQueue(0, saturated, Duration.ofSeconds(1)));
        assertEquals(0, asked.get());
        assertInstanceOf(Admission.Ticket.Shed.class, Admission.withoutQueue(-1, saturated, Duration.ofSeconds(1)));
        assertEquals(1, asked.get());
        assertInstanceOf(
                Admission.Ticket.Admitted.class, Admission.withoutQueue(-1, () -> false, Duration.ofSeconds(1)));
    }
}
