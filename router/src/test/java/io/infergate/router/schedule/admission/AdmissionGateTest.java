package io.infergate.router.schedule.admission;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.scrape.Metrics;
import io.infergate.router.testing.Views;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.pool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Late binding (ADR 0042): a request whose prefix's endpoints have every slot taken waits at the
 * gateway while other requests pass; a slot freed on an endpoint goes to a waiter whose prefix
 * prefers it, which is then sent there. Unless a test says otherwise the saturation detector sees
 * an idle pool, so only the gate holds requests.
 */
class AdmissionGateTest {

    private static final String A = "10.0.0.1:80";
    private static final String B = "10.0.0.2:80";
    private static final Duration NEVER = Duration.ofDays(1);

    private final Backend.InferencePool pool = pool("p", endpoint("10.0.0.1", 80, "a"), endpoint("10.0.0.2", 80, "b"));
    private final List<Target> endpoints = targets();
    /** The endpoints whose slots are all taken. */
    private final Set<String> full = ConcurrentHashMap.newKeySet();
    /** Free slots per endpoint that is not full (default 1), less the requests sent there. */
    private final Map<String, Integer> freeCount = new ConcurrentHashMap<>();

    private final AtomicReference<Metrics> sample = new AtomicReference<>(Views.metrics(0, 1, 0));
    private final Admission admission = new Admission(
            new Admission.Settings(true, Duration.ofSeconds(30), 100, Duration.ofSeconds(1), Duration.ofMillis(20)),
            SaturationDetector.defaults(),
            k -> Optional.of(sample.get()),
            Duration.ofDays(1));

    /** What each named request was admitted with: the endpoint whose slot it got ("" none). */
    private final Map<String, String> slotOf = new ConcurrentHashMap<>();

    private final List<String> order = new CopyOnWriteArrayList<>();

    private List<Target> targets() {
        EndpointRegistry registry = new EndpointRegistry();
        List<Target> out = new ArrayList<>();
        for (var e : pool.endpoints()) {
            out.add(new Target(e, registry.state(e.hostPort())));
        }
        return out;
    }

    /** A gate for one request with these homes (empty: it does not bind late), as the prefix scorer's. */
    private Admission.Gate gate(Optional<Set<String>> homes, Duration maxWait) {
        return new Admission.Gate() {
            @Override
            public boolean full(List<Target> all) {
                if (homes.isEmpty()) {
                    return false; // slots unknown
                }
                for (Target t : all) {
                    if ((homes.get().isEmpty() || homes.get().contains(t.key())) && !full.contains(t.key())) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public Optional<Set<String>> homes(List<Target> ignored) {
                return homes;
            }

            @Override
            public int lineSlack() {
                return 0;
            }

            @Override
            public Map<String, Integer> freeSlots(List<Target> all) {
                Map<String, Integer> free = new HashMap<>();
                for (Target t : all) {
                    // as the ledger: the requests sent there since count against its free slots
                    long sentThere =
                            slotOf.values().stream().filter(t.key()::equals).count();
                    free.put(
                            t.key(),
                            full.contains(t.key())
                                    ? 0
                                    : (int) Math.max(0, freeCount.getOrDefault(t.key(), 1) - sentThere));
                }
                return free;
            }

            @Override
            public List<String> spillOrder(List<Target> all) {
                return all.stream().map(Target::key).toList();
            }

            @Override
            public Duration maxWait() {
                return maxWait;
            }

            @Override
            public boolean fullAt(List<Target> all, String endpoint) {
                return full.contains(endpoint);
            }
        };
    }

    private Admission.Ticket admit(Optional<Set<String>> homes, Duration maxWait) throws InterruptedException {
        return admission.admit(pool.id(), endpoints, 0, "", gate(homes, maxWait));
    }

    /** Starts a request named {@code name} and waits until it queues. */
    private void enqueue(ExecutorService threads, String name, Optional<Set<String>> homes, Duration maxWait) {
        int before = admission.waiting(pool.id());
        var unused = threads.submit(() -> {
            Admission.Ticket t = admit(homes, maxWait);
            slotOf.put(
                    name, assertInstanceOf(Admission.Ticket.Admitted.class, t).slotOf());
            order.add(name);
            return null;
        });
        await().until(() -> admission.waiting(pool.id()) == before + 1);
    }

    private void release(String endpoint, int admittedAfter) {
        admission.released(pool.id(), endpoint);
        await().until(() -> order.size() == admittedAfter);
    }

    @Test
    void aRequestWhoseHomeIsFullWaitsWhileOthersPass() throws InterruptedException {
        full.add(A);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "home-a", Optional.of(Set.of(A)), NEVER);
            Admission.Ticket t = admit(Optional.of(Set.of(B)), NEVER);
            assertEquals(B, assertInstanceOf(Admission.Ticket.Admitted.class, t).slotOf(), "b has room: at once, to b");
            t = admit(Optional.of(Set.of()), NEVER);
            assertEquals(
                    B,
                    assertInstanceOf(Admission.Ticket.Admitted.class, t).slotOf(),
                    "a new prefix: to the endpoint with room");
            assertEquals(1, admission.waiting(pool.id()));
            full.remove(A); // a's slot shows free in the next scrape
            await().until(() -> order.size() == 1);
            assertEquals(A, slotOf.get("home-a"), "the recheck sends it to its home's free slot (ADR 0044)");
        }
    }

    @Test
    void aFreedSlotGoesToTheWaiterWhosePrefixIsThere() {
        full.addAll(Set.of(A, B));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "home-a", Optional.of(Set.of(A)), NEVER);
            enqueue(threads, "home-b", Optional.of(Set.of(B)), NEVER);
            release(B, 1);
            assertEquals(List.of("home-b"), order, "b's slot skips the head, whose prefix is on a");
            assertEquals(B, slotOf.get("home-b"));
            release(A, 2);
            assertEquals(A, slotOf.get("home-a"));
        }
    }

    /**
     * ADR 0044: one recheck frees as many waiters as their homes show free slots (another router's
     * requests finished), each sent to its home, and no more.
     */
    @Test
    void oneRecheckFreesAsManyWaitersAsTheirHomesHaveFreeSlots() {
        full.addAll(Set.of(A, B));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 3; i++) {
                enqueue(threads, "a-" + i, Optional.of(Set.of(A)), NEVER);
            }
            enqueue(threads, "b", Optional.of(Set.of(B)), NEVER);
            freeCount.put(A, 2);
            full.remove(A); // two of a's slots show free in the next scrape
            await().until(() -> order.size() == 2);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> order.size() == 2);
            assertEquals(List.of("a-0", "a-1"), order.stream().sorted().toList());
            assertEquals(A, slotOf.get("a-0"));
            assertEquals(A, slotOf.get("a-1"));
            release(A, 3);
            assertEquals(A, slotOf.get("a-2"));
            release(B, 4);
        }
    }

    @Test
    void aFreedSlotThatNoWaiterWantsIsNotHandedOver() {
        full.addAll(Set.of(A, B));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "home-a", Optional.of(Set.of(A)), NEVER);
            admission.released(pool.id(), B);
            full.remove(A);
            await().until(() -> order.size() == 1);
            assertEquals(A, slotOf.get("home-a"), "it left for its home's slot, not b's hand-over");
        }
    }

    /**
     * A slot freed on an endpoint whose own queue takes it (still full after the completion) is
     * not handed to a waiter that binds late: that would keep the endpoint's queue standing.
     */
    @Test
    void aSlotThatTheEndpointsOwnQueueTakesIsNotHandedOver() {
        full.addAll(Set.of(A, B));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "home-b", Optional.of(Set.of(B)), NEVER);
            admission.released(pool.id(), B, true);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(order::isEmpty);
            full.remove(B);
            await().until(() -> order.size() == 1);
            assertEquals(B, slotOf.get("home-b"), "it left when b showed room, not by the hand-over");
        }
    }

    @Test
    void aWaiterThatWaitedOutTakesAFreeSlotElsewhere() throws InterruptedException {
        full.add(A);
        Admission.Ticket t = admit(Optional.of(Set.of(A)), Duration.ZERO);
        assertEquals(B, assertInstanceOf(Admission.Ticket.Admitted.class, t).slotOf());
    }

    @Test
    void theHeadThatWaitedOutTakesTheSlotAfterBeingPassedOverEightTimes() {
        full.addAll(Set.of(A, B));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "head", Optional.of(Set.of(A)), Duration.ZERO);
            for (int i = 0; i <= HandOver.MAX_PASSES; i++) {
                enqueue(threads, "b-" + i, Optional.of(Set.of(B)), NEVER);
            }
            for (int i = 1; i <= HandOver.MAX_PASSES; i++) {
                release(B, i);
            }
            release(B, HandOver.MAX_PASSES + 1);
            assertEquals("head", order.getLast(), "passed over 8 times: the 9th slot is the head's, on b");
            assertEquals(B, slotOf.get("head"));
            release(B, HandOver.MAX_PASSES + 2);
            assertEquals("b-" + HandOver.MAX_PASSES, order.getLast());
        }
    }

    @Test
    void requestsThatDoNotBindLateLeaveInOrderAndUnbound() {
        sample.set(Views.metrics(10, 1, 0)); // saturated by the detector's rule
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            enqueue(threads, "first", Optional.empty(), NEVER);
            enqueue(threads, "second", Optional.empty(), NEVER);
            release(B, 1);
            assertEquals(List.of("first"), order);
            assertEquals("", slotOf.get("first"), "slots unknown: scheduled as without a gate");
            release(A, 2);
        }
    }

    @Test
    void withoutAGateAFreedSlotOfAKnownEndpointGoesToTheHeadUnbound() {
        sample.set(Views.metrics(10, 1, 0));
        List<String> left = new CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : List.of("first", "second")) {
                int before = admission.waiting(pool.id());
                var unused = threads.submit(() -> {
                    Admission.Ticket t = admission.admit(pool.id(), endpoints, 0, "");
                    assertEquals(
                            "",
                            assertInstanceOf(Admission.Ticket.Admitted.class, t).slotOf());
                    left.add(name);
                    return null;
                });
                await().until(() -> admission.waiting(pool.id()) == before + 1);
            }
            admission.released(pool.id(), B);
            await().until(() -> left.size() == 1);
            assertEquals(List.of("first"), left);
            admission.released(pool.id(), A);
            await().until(() -> left.size() == 2);
        }
    }
}
