package io.infergate.router.schedule.admission;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Admission of inference requests to a pool by InferenceObjective priority (docs/router.md, "Per request").
 * While a pool is not saturated ({@link SaturationDetector}) and nobody waits, every request
 * passes. Otherwise a sheddable request (priority &lt; 0) is refused at once (429, so clients back
 * off instead of retrying another replica) and any other request waits in the pool's queue,
 * highest priority first and, within one priority, shared fairly between flows (tenants) and
 * first-come first-served within a flow ({@link FairOrder}). The head of the queue
 * leaves when an outstanding request to the pool finishes (its slot is handed over), or when the
 * pool is seen unsaturated, at most once per recheck interval (a scrape interval) so one good
 * sample does not release the whole queue at once. A request that waits longer than the queue
 * timeout, or finds the queue full, gets 503.
 *
 * <p>With a {@link Gate} (late binding, docs/adr/0042-late-binding-gate.md), a request whose
 * prefix's endpoints have every slot taken waits here instead of in a model server's queue, while
 * requests whose endpoints have a free slot pass; a slot freed on an endpoint goes to a waiter whose
 * prefix prefers that endpoint ({@link HandOver}), and the admitted request is sent there
 * ({@link Ticket.Admitted#slotOf()}); a waiter that waited its gate's {@link Gate#maxWait()} takes a
 * free slot anywhere.
 *
 * <p>With {@link Settings#queue()} off there is no queue at all: see {@link #withoutQueue}.
 *
 * <p>The queues live per pool id across snapshots. Waiting is a lock condition on the request's
 * own virtual thread; nothing does I/O under the lock.
 */
public final class Admission {

    /**
     * How a pool admits requests while it is saturated.
     *
     * @param queue          whether requests of priority &ge; 0 wait in a queue while the pool is
     *                       saturated; when false they are admitted at once ({@link #withoutQueue})
     *                       and the queue settings are unused
     * @param queueTimeout   longest wait in the queue (then 503 {@code queue_timeout})
     * @param maxQueueLength waiting requests per pool (then 503 {@code queue_full})
     * @param retryAfter     the {@code Retry-After} of a shed request
     * @param recheck        how often a waiting head re-reads saturation
     * @param fairness       whether requests of one priority are shared fairly between flows
     *                       ({@link FairOrder}); false: first come, first served across all flows
     *                       (the baseline bench/fairness.sh compares against)
     */
    public record Settings(
            boolean queue,
            Duration queueTimeout,
            int maxQueueLength,
            Duration retryAfter,
            Duration recheck,
            boolean fairness) {
        public Settings {
            Objects.requireNonNull(queueTimeout, "queueTimeout");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(recheck, "recheck");
            if (maxQueueLength < 0) {
                throw new IllegalArgumentException("max queue length must not be negative");
            }
        }

        /** With fair queueing between flows. */
        public Settings(
                boolean queue, Duration queueTimeout, int maxQueueLength, Duration retryAfter, Duration recheck) {
            this(queue, queueTimeout, maxQueueLength, retryAfter, recheck, true);
        }

        /** Queueing on, 10 s timeout, 1000 waiting, Retry-After 1 s, recheck every 50 ms, fair between flows. */
        public static Settings defaults() {
            return new Settings(true, Duration.ofSeconds(10), 1000, Duration.ofSeconds(1), Duration.ofMillis(50));
        }

        /**
         * Reads the queue keys of {@code router.admission}; absent keys keep {@link #defaults()}.
         * Queue settings given with {@code queue: false} are an error: a setting that cannot act is
         * a mistake, not a default.
         *
         * @param recheck how often a waiting head re-reads saturation (the scrape interval)
         */
        public static Settings create(Section s, Duration recheck) {
            Settings d = defaults();
            boolean queue = s.bool("queue", d.queue());
            for (String unused : List.of("queue-timeout", "max-queue-length", "fairness")) {
                if (!queue && s.has(unused)) {
                    throw new IllegalArgumentException("'" + s.key(unused) + "' has no effect with '" + s.key("queue")
                            + ": false'; remove one of them");
                }
            }
            return new Settings(
                    queue,
                    s.duration("queue-timeout", d.queueTimeout()),
                    s.integer("max-queue-length", d.maxQueueLength()),
                    s.duration("retry-after", d.retryAfter()),
                    recheck,
                    s.bool("fairness", d.fairness()));
        }
    }

    /** The outcome of admission. */
    public sealed interface Ticket {
        /**
         * Go ahead.
         *
         * @param waitedNanos how long the request waited in the queue (0 when it did not queue)
         * @param slotOf      the endpoint ({@code address:port}) whose freed slot was handed to this
         *                    request, which should go there ({@link Gate}); "" for none
         */
        record Admitted(long waitedNanos, String slotOf) implements Ticket {
            public Admitted {
                Objects.requireNonNull(slotOf, "slotOf");
            }

            /** Admitted without waiting. */
            public Admitted() {
                this(0);
            }

            /** Admitted without a slot handed over from a known endpoint. */
            public Admitted(long waitedNanos) {
                this(waitedNanos, "");
            }
        }

        /** Sheddable and the pool is saturated: 429. */
        record Shed(Duration retryAfter) implements Ticket {}

        /** Waited the whole queue timeout: 503. */
        record TimedOut(Duration waited) implements Ticket {}

        /** The queue is full: 503. */
        record Full(int length) implements Ticket {}
    }

    /**
     * Late binding for one request (ADR 0042), given by the pool's scheduling profile when it
     * knows its endpoints' slots.
     */
    public interface Gate {
        /** No gate: admission as without one. */
        Gate NONE = new Gate() {
            @Override
            public boolean full(List<Target> endpoints) {
                return false;
            }

            @Override
            public Optional<Set<String>> homes(List<Target> endpoints) {
                return Optional.empty();
            }

            @Override
            public int lineSlack() {
                return 0;
            }

            @Override
            public Map<String, Integer> freeSlots(List<Target> endpoints) {
                return Map.of();
            }

            @Override
            public List<String> spillOrder(List<Target> endpoints) {
                return List.of();
            }

            @Override
            public Duration maxWait() {
                return Duration.ZERO;
            }

            @Override
            public boolean fullAt(List<Target> endpoints, String endpoint) {
                return false;
            }
        };

        /**
         * Whether the endpoints this request would be sent to have no free slot: every endpoint
         * its prefix prefers, or every endpoint when it prefers none. False when the slots are
         * unknown.
         */
        boolean full(List<Target> endpoints);

        /**
         * The endpoints ({@code address:port}) the request's prefix prefers (asked once, when it
         * starts waiting; an empty set when none), or empty when the request does not bind late
         * (the endpoints' slots are not known): then it waits and leaves as without a gate.
         */
        Optional<Set<String>> homes(List<Target> endpoints);

        /**
         * Waiters for one endpoint at this router beyond which a request of that line takes a free
         * slot nobody waits for (ADR 0044); 0: no line test.
         */
        int lineSlack();

        /**
         * Per endpoint ({@code address:port}) with known slots, the free slots that are this
         * router's to fill (0 when none); endpoints of unknown slots are absent.
         */
        Map<String, Integer> freeSlots(List<Target> endpoints);

        /**
         * The endpoints in the order the request takes a free slot once it waited out (asked once,
         * when it starts waiting): its prefix's rendezvous order, the same on every router, so a
         * group's spilled requests go to one second endpoint (ADR 0044); empty: any.
         */
        List<String> spillOrder(List<Target> endpoints);

        /**
         * How long a request waits for a slot on its homes while another endpoint has one free;
         * then it takes that one (a cache miss that costs about as much as it waited).
         */
        Duration maxWait();

        /**
         * Whether that endpoint ({@code address:port}) is known to have no free slot, e.g. right
         * after one of its requests finished while it had a queue of its own (the queue takes the
         * slot); false when unknown.
         */
        boolean fullAt(List<Target> endpoints, String endpoint);
    }

    private final Settings settings;
    private final SaturationDetector detector;
    private final EndpointMetrics metrics;
    private final Duration staleAfter;
    private final ConcurrentHashMap<String, PoolQueue> queues = new ConcurrentHashMap<>();

    public Admission(Settings settings, SaturationDetector detector, EndpointMetrics metrics, Duration staleAfter) {
        this.settings = settings;
        this.detector = detector;
        this.metrics = metrics;
        this.staleAfter = staleAfter;
    }

    /** Whether the pool of these endpoints is saturated now. */
    public boolean saturated(List<Target> endpoints) {
        return detector.saturated(Profile.views(endpoints, metrics, staleAfter, System::nanoTime));
    }

    /**
     * Admits, refuses or queues a request of this priority to the pool (may block, only when queueing).
     *
     * @param pool      the pool's backend id, which names its queue
     * @param endpoints the pool's endpoints, whose metrics say whether it is saturated
     */
    public Ticket admit(String pool, List<Target> endpoints, int priority) throws InterruptedException {
        return admit(pool, endpoints, priority, "");
    }

    /**
     * As {@link #admit(String, List, int)}, for a request of {@code flow}: the tenant, or the
     * {@code x-gateway-inference-fairness-id} the client sent; "" for requests of neither, which
     * then share one flow.
     */
    public Ticket admit(String pool, List<Target> endpoints, int priority, String flow) throws InterruptedException {
        return admit(pool, endpoints, priority, flow, Gate.NONE);
    }

    /**
     * As {@link #admit(String, List, int, String)}, with late binding ({@link Gate}; without the
     * queue a gate has nothing to hold requests in and is ignored).
     */
    public Ticket admit(String pool, List<Target> endpoints, int priority, String flow, Gate gate)
            throws InterruptedException {
        if (!settings.queue()) {
            return withoutQueue(priority, () -> saturated(endpoints), settings.retryAfter());
        }
        // fairness off: every request is of one flow, and FairOrder degenerates to arrival order
        return queues.computeIfAbsent(pool, k -> new PoolQueue())
                .admit(endpoints, priority, settings.fairness() ? flow : "", gate);
    }

    /**
     * Admission without a gateway queue ({@code router.admission.queue: false}): a sheddable request
     * (priority &lt; 0) is refused while the pool is saturated, and every other request is admitted at
     * once, saturated or not, so overload shows up as waiting in the model servers' own queues
     * instead of 503 {@code queue_timeout}. This is the GIE endpoint picker's rule when its
     * experimental flow-control layer is off (its default): only sheddable requests are checked
     * against saturation. A Kubernetes Service has no gateway queue, nor has Kthena by default, so the
     * scheduling benchmark runs those baselines this way (bench/scheduling/*.router.yaml).
     *
     * <p>Pure: no state, no waiting; saturation is asked only for a sheddable request, as the EPP does.
     */
    static Ticket withoutQueue(int priority, BooleanSupplier saturated, Duration retryAfter) {
        if (priority < 0 && saturated.getAsBoolean()) {
            return new Ticket.Shed(retryAfter);
        }
        return new Ticket.Admitted();
    }

    /** An outstanding request to the pool finished on an unknown endpoint: its slot goes to the head of the queue. */
    public void released(String poolId) {
        released(poolId, "");
    }

    /**
     * An outstanding request to the pool finished on {@code endpoint} ({@code address:port}): its
     * slot goes to a waiting request ({@link HandOver}: the head, unless a waiter's prefix prefers
     * that endpoint).
     */
    public void released(String poolId, String endpoint) {
        released(poolId, endpoint, false);
    }

    /**
     * As {@link #released(String, String)}; {@code stillFull}: the endpoint is known to have no
     * free slot even so (its own queue takes the slot, {@link Gate#fullAt}), so the slot goes only
     * to a waiter that does not bind late, which is scheduled over every endpoint as before.
     */
    public void released(String poolId, String endpoint, boolean stillFull) {
        PoolQueue q = queues.get(poolId);
        if (q != null) {
            q.released(endpoint, stillFull);
        }
    }

    /** Requests waiting for the pool (tests, metrics). */
    public int waiting(String poolId) {
        PoolQueue q = queues.get(poolId);
        return q == null ? 0 : q.size();
    }

    private final class PoolQueue {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final FairOrder waiters = new FairOrder();
        private final Map<FairOrder.Entry, Waiter> byEntry = new HashMap<>();
        private final RecentSends sent = new RecentSends();

        private long lastSampleRelease = System.nanoTime() - settings.recheck().toNanos();

        @SuppressWarnings("ReferenceEquality") // a waiter is its own identity: two waiters are never equal
        Ticket admit(List<Target> endpoints, int priority, String flow, Gate gate) throws InterruptedException {
            long start = System.nanoTime();
            Optional<Set<String>> homes = gate.homes(endpoints); // hashes the prompt: outside the lock
            List<String> order = homes.isPresent() ? gate.spillOrder(endpoints) : List.of();
            lock.lock();
            try {
                // read once per arrival: both tests below use them (null: not binding late, or saturated)
                Map<String, Integer> free =
                        homes.isPresent() && !saturated(endpoints) ? freeNow(gate, endpoints, start) : null;
                if (free != null && !homeAwaited(homes.get())) {
                    // a request that binds late passes whenever one of its homes has a free slot
                    // and nobody waits for that home (the waiters ahead wait for other endpoints'
                    // slots), and is sent to that home: the scores alone might pick a full one
                    // among several homes (ADR 0044)
                    String to = HandOver.mostFree(free, homes.get().isEmpty() ? free.keySet() : homes.get());
                    if (to != null) {
                        return leaveAtOnce(to);
                    }
                } else if (homes.isEmpty() && waiters.isEmpty() && !blocked(endpoints, gate)) {
                    return new Ticket.Admitted();
                }
                if (priority < 0) {
                    return new Ticket.Shed(settings.retryAfter());
                }
                String spill = free == null ? null : spillOnArrival(homes.get(), order, gate, free, start);
                if (spill != null) {
                    return leaveAtOnce(spill);
                }
                if (waiters.size() >= settings.maxQueueLength()) {
                    return new Ticket.Full(waiters.size());
                }
                FairOrder.Entry me = waiters.add(flow, priority);
                Waiter w = new Waiter(homes, order, gate, start);
                byEntry.put(me, w);
                long deadline = start + settings.queueTimeout().toNanos();
                long recheck = settings.recheck().toNanos();
                try {
                    while (true) {
                        if (w.grant != null) {
                            return leave(me, start, w.binds ? w.grant : "");
                        }
                        long now = System.nanoTime();
                        if (now - lastSampleRelease >= recheck) {
                            if (waiters.head() == me && !w.binds && !blocked(endpoints, gate)) {
                                lastSampleRelease = now;
                                return leave(me, start, "");
                            }
                            if (recheckBound(endpoints, now)) {
                                lastSampleRelease = now;
                                continue; // a grant may be this waiter's
                            }
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            forget(me);
                            return new Ticket.TimedOut(Duration.ofNanos(System.nanoTime() - start));
                        }
                        changed.await(Math.min(left, recheck), TimeUnit.NANOSECONDS);
                    }
                } catch (InterruptedException e) {
                    forget(me);
                    if (w.grant != null) {
                        handOver(w.grant); // the slot it got is still free: pass it on
                    }
                    throw e;
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * Whether a waiter waits for one of these endpoints (or, for none, for any), or was just
         * handed a slot on one of them and has not left yet (the slot is taken, though the
         * ledger does not show it yet).
         */
        private boolean homeAwaited(Set<String> homes) {
            for (Waiter w : byEntry.values()) {
                if (w.binds && (w.sharesHomes(homes) || (w.grant != null && homes.contains(w.grant)))) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Once per recheck interval, frees the waiters that bind late which the scrapes now have
         * room for (ADR 0044): each endpoint's free slots that are this router's ({@link
         * Gate#freeSlots}; another router's request finished, or the scrape caught up), less the
         * slots already handed to waiters that have not been sent yet, go first to waiters whose
         * homes they are, then to waiters that waited their longest wait, each to the first free
         * endpoint of its spill order ({@link HandOver#recheck}). Each waiter is sent to the
         * endpoint it was given. Returns whether any was freed.
         */
        private boolean recheckBound(List<Target> endpoints, long now) {
            if (saturated(endpoints)) {
                return false;
            }
            List<FairOrder.Entry> open = waiters.first(HandOver.SCAN, e -> {
                Waiter w = byEntry.get(e);
                return w.grant == null && w.binds;
            });
            if (open.isEmpty()) {
                return false;
            }
            Gate gate = byEntry.get(open.getFirst()).gate;
            Map<String, Integer> free = freeNow(gate, endpoints, now);
            List<HandOver.Waiting> views = new ArrayList<>(open.size());
            for (FairOrder.Entry e : open) {
                views.add(byEntry.get(e).view(now));
            }
            String[] to = HandOver.recheck(views, free, gate.lineSlack());
            boolean any = false;
            for (int i = 0; i < to.length; i++) {
                if (to[i] != null) {
                    byEntry.get(open.get(i)).grant = to[i];
                    any = true;
                }
            }
            if (any) {
                changed.signalAll();
            }
            return any;
        }

        /**
         * Where a request whose homes are full goes at once because their line here is long
         * ({@link HandOver#spillOnArrival}), given the free slots of an unsaturated pool; null: it
         * waits. Under the lock.
         */
        private String spillOnArrival(
                Set<String> homes, List<String> order, Gate gate, Map<String, Integer> free, long now) {
            if (gate.lineSlack() <= 0 || homes.isEmpty()) {
                return null;
            }
            return HandOver.spillOnArrival(homes, order, free, HandOver.lines(openViews(now), null), gate.lineSlack());
        }

        /** The waiters that bind late and have no slot yet, in leaving order, as the hand-over sees them. */
        private List<HandOver.Waiting> openViews(long now) {
            List<HandOver.Waiting> views = new ArrayList<>();
            for (FairOrder.Entry e : waiters.first(HandOver.SCAN, e -> {
                Waiter w = byEntry.get(e);
                return w.grant == null && w.binds;
            })) {
                views.add(byEntry.get(e).view(now));
            }
            return views;
        }

        /** A request admitted at once to a given endpoint's free slot. */
        private Ticket leaveAtOnce(String endpoint) {
            sent.add(endpoint, System.nanoTime());
            return new Ticket.Admitted(0, endpoint);
        }

        /**
         * Each endpoint's free slots that are this router's ({@link Gate#freeSlots}), less the
         * slots handed to waiters not sent yet and those sent in the last moments (their picks
         * may not be in the ledger yet; counting one twice for a few milliseconds only delays a
         * grant to the next recheck). Under the lock.
         */
        private Map<String, Integer> freeNow(Gate gate, List<Target> endpoints, long now) {
            Map<String, Integer> free = new HashMap<>(gate.freeSlots(endpoints));
            for (Waiter w : byEntry.values()) {
                if (w.grant != null && !w.grant.isEmpty()) {
                    free.computeIfPresent(w.grant, (k, v) -> v - 1);
                }
            }
            sent.subtractFrom(free, now);
            return free;
        }

        private boolean blocked(List<Target> endpoints, Gate gate) {
            return saturated(endpoints) || gate.full(endpoints);
        }

        private void forget(FairOrder.Entry me) {
            waiters.gaveUp(me);
            byEntry.remove(me);
            changed.signalAll();
        }

        private Ticket leave(FairOrder.Entry me, long start, String slotOf) {
            if (!slotOf.isEmpty()) {
                sent.add(slotOf, System.nanoTime());
            }
            waiters.admitted(me);
            byEntry.remove(me);
            changed.signalAll();
            return new Ticket.Admitted(System.nanoTime() - start, slotOf);
        }

        void released(String endpoint, boolean stillFull) {
            lock.lock();
            try {
                if (stillFull) {
                    handOverUnbound();
                } else {
                    handOver(endpoint);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Hands a slot to the first waiter that does not bind late, if any. Under the lock. */
        private void handOverUnbound() {
            List<FairOrder.Entry> open = waiters.first(1, e -> {
                Waiter w = byEntry.get(e);
                return w.grant == null && !w.binds;
            });
            if (!open.isEmpty()) {
                byEntry.get(open.getFirst()).grant = "";
                changed.signalAll();
            }
        }

        /**
         * Hands a freed slot to a waiter that has none yet ({@link HandOver}); dropped when every
         * waiter already has one or none wants it. Under the lock.
         */
        private void handOver(String endpoint) {
            List<FairOrder.Entry> open = waiters.first(HandOver.SCAN, e -> byEntry.get(e).grant == null);
            if (open.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            List<HandOver.Waiting> views = new ArrayList<>(open.size());
            for (FairOrder.Entry e : open) {
                views.add(byEntry.get(e).view(now));
            }
            Waiter first = byEntry.get(open.getFirst());
            int chosen = HandOver.choose(views, endpoint, first.passes, first.gate.lineSlack());
            if (chosen != 0 && views.getFirst().waitedOut()) {
                first.passes++;
            }
            if (chosen >= 0) {
                // counted against the endpoint's free slots until it is sent: no recheck grants it again
                byEntry.get(open.get(chosen)).grant = endpoint;
            }
            changed.signalAll(); // also when nobody took it: a waiter whose home it is may be further back
        }

        int size() {
            lock.lock();
            try {
                return waiters.size();
            } finally {
                lock.unlock();
            }
        }
    }
}
