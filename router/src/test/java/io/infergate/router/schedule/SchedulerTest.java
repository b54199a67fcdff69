package io.infergate.router.schedule;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.schedule.plugins.picker.MaxScorePicker;
import io.infergate.router.schedule.plugins.scorer.OutstandingRequestsScorer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class SchedulerTest {

    private static final PickContext CTX = new PickContext("rid", Optional.empty());

    /**
     * Pools without metrics, picked by the outstanding-requests scorer and the max-score picker
     * (seeded ties): the load this router put on each endpoint is all there is to go by.
     */
    private static final PoolProfiles POOLS = new PoolProfiles(
            new Profile(
                    "least-outstanding",
                    List.of(),
                    List.of(new Profile.Weighted(new OutstandingRequestsScorer("outstanding"), 1)),
                    new MaxScorePicker("max", new Random(7))),
            key -> Optional.empty(),
            Duration.ofSeconds(1),
            PluginTimer.none(),
            endpoints -> {});

    private static BackendTarget compile(Backend b, EndpointRegistry registry) {
        return BackendTarget.compileAll(List.of(b), registry, POOLS).get(b.id());
    }

    private static String pickKey(Scheduler s, BackendTarget b, List<Lease> keep) {
        Lease lease = assertInstanceOf(Pick.Picked.class, s.pick(b, CTX)).lease();
        keep.add(lease);
        return lease.target().endpoint().pod().orElseThrow();
    }

    @Test
    void servicesRotateThroughTheirEndpoints() {
        BackendTarget b = compile(
                service(
                        "s",
                        80,
                        endpoint("10.0.0.1", 80, "a"),
                        endpoint("10.0.0.2", 80, "b"),
                        endpoint("10.0.0.3", 80, "c")),
                new EndpointRegistry());
        Scheduler s = new Scheduler(0);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (Lease l = ((Pick.Picked) s.pick(b, CTX)).lease()) {
                order.add(l.target().endpoint().pod().orElseThrow());
            }
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), order);
    }

    @Test
    void poolsPickTheEndpointWithTheFewestRequestsInFlight() {
        BackendTarget b = compile(
                pool("p", endpoint("10.0.0.1", 80, "a"), endpoint("10.0.0.2", 80, "b"), endpoint("10.0.0.3", 80, "c")),
                new EndpointRegistry());
        Scheduler s = new Scheduler(0);
        List<Lease> held = new ArrayList<>();
        // three picks with nothing released: each endpoint once (0,0,0 → then the two at 0 → then the last)
        List<String> first = new ArrayList<>(List.of(pickKey(s, b, held), pickKey(s, b, held), pickKey(s, b, held)));
        first.sort(null);
        assertEquals(List.of("a", "b", "c"), first);
        // release b: it is the only one with 0 in flight
        held.stream()
                .filter(l -> l.target().endpoint().pod().orElseThrow().equals("b"))
                .forEach(Lease::close);
        assertEquals("b", pickKey(s, b, held));
    }

    @Test
    void tiesAreBrokenAtRandomSoLoadSpreads() {
        BackendTarget b = compile(
                pool("p", endpoint("10.0.0.1", 80, "a"), endpoint("10.0.0.2", 80, "b"), endpoint("10.0.0.3", 80, "c")),
                new EndpointRegistry());
        Scheduler s = new Scheduler(0);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            try (Lease l = ((Pick.Picked) s.pick(b, CTX)).lease()) {
                counts.merge(l.target().endpoint().pod().orElseThrow(), 1, Integer::sum);
            }
        }
        // seeded: every endpoint wins a fair share of equal-load picks (expected 100 each)
        counts.values().forEach(c -> assertEquals(true, c > 60, counts.toString()));
    }

    @Test
    void theConcurrencyBoundSaturatesAndReleasingFreesASlot() {
        BackendTarget b = compile(
                pool("p", endpoint("10.0.0.1", 80, "a"), endpoint("10.0.0.2", 80, "b")), new EndpointRegistry());
        Scheduler s = new Scheduler(2);
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pickKey(s, b, held);
        }
        assertEquals(new Pick.Saturated(2), s.pick(b, CTX));
        held.getFirst().close();
        held.getFirst().close(); // closing twice releases once
        pickKey(s, b, held);
        assertEquals(new Pick.Saturated(2), s.pick(b, CTX));
    }

    @Test
    void noEndpointsIsItsOwnAnswer() {
        assertEquals(new Pick.NoEndpoints(), new Scheduler(0).pick(compile(pool("p"), new EndpointRegistry()), CTX));
    }

    @Test
    void endpointLoadSurvivesASnapshotThatKeepsTheEndpoint() {
        EndpointRegistry registry = new EndpointRegistry();
        Scheduler s = new Scheduler(0);
        BackendTarget before =
                compile(pool("p", endpoint("10.0.0.1", 80, "a"), endpoint("10.0.0.2", 80, "b")), registry);
        List<Lease> held = new ArrayList<>();
        String busy = pickKey(s, before, held);
        BackendTarget after =
                compile(pool("p", endpoint("10.0.0.2", 80, "b"), endpoint("10.0.0.1", 80, "a")), registry);
        String next = pickKey(s, after, held);
        assertEquals(busy.equals("a") ? "b" : "a", next, "the busy endpoint is still known to be busy");
    }

    @Test
    void ejectedEndpointsAreSkippedUnlessAllAreEjected() {
        BackendTarget b = compile(
                service(
                        "s",
                        80,
                        endpoint("10.0.0.1", 80, "a"),
                        endpoint("10.0.0.2", 80, "b"),
                        endpoint("10.0.0.3", 80, "c")),
                new EndpointRegistry());
        java.util.Set<String> ejected = new java.util.HashSet<>(java.util.Set.of("10.0.0.2:80"));
        Scheduler s = new Scheduler(0, Optional.empty(), ejected::contains);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Lease l = ((Pick.Picked) s.pick(b, CTX)).lease()) {
                order.add(l.target().endpoint().pod().orElseThrow());
            }
        }
        assertEquals(List.of("a", "c", "a", "c"), order);
        ejected.addAll(java.util.Set.of("10.0.0.1:80", "10.0.0.3:80"));
        java.util.Set<String> all = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            try (Lease l = ((Pick.Picked) s.pick(b, CTX)).lease()) {
                all.add(l.target().endpoint().pod().orElseThrow());
            }
        }
        assertEquals(java.util.Set.of("a", "b", "c"), all, "all ejected: panic, ejection ignored");
    }

    @Test
    void anotherSkipsTriedAndEjectedEndpointsAndNeverPanics() {
        BackendTarget b = compile(
                service(
                        "s",
                        80,
                        endpoint("10.0.0.1", 80, "a"),
                        endpoint("10.0.0.2", 80, "b"),
                        endpoint("10.0.0.3", 80, "c")),
                new EndpointRegistry());
        Scheduler s = new Scheduler(0, Optional.empty(), "10.0.0.3:80"::equals);
        try (Lease l = s.another(b, CTX, java.util.Set.of("10.0.0.1:80")).orElseThrow()) {
            assertEquals("b", l.target().endpoint().pod().orElseThrow());
            assertEquals(1, l.target().state().outstanding(), "the retry's slot is counted");
        }
        assertEquals(Optional.empty(), s.another(b, CTX, java.util.Set.of("10.0.0.1:80", "10.0.0.2:80")));
    }
}
