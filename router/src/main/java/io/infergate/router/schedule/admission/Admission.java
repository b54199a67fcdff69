package io.infergate.router.schedule.admission;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
         */
        record Admitted(long waitedNanos) implements Ticket {
            /** Admitted without waiting. */
            public Admitted() {
                this(0);
            }
        }

        /** Sheddable and the pool is saturated: 429. */
        record Shed(Duration retryAfter) implements Ticket {}

        /** Waited the whole queue timeout: 503. */
        record TimedOut(Duration waited) implements Ticket {}

        /** The queue is full: 503. */
        record Full(int length) implements Ticket {}
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
        if (!settings.queue()) {
            return withoutQueue(priority, () -> saturated(endpoints), settings.retryAfter());
        }
        // fairness off: every request is of one flow, and FairOrder degenerates to arrival order
        return queues.computeIfAbsent(pool, k -> new PoolQueue())
                .admit(endpoints, priority, settings.fairness() ? flow : "");
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

    /** An outstanding request to the pool finished: its slot goes to the head of the queue. */
    public void released(String poolId) {
        PoolQueue q = queues.get(poolId);
        if (q != null) {
            q.released();
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
        private int handOvers;
        private long lastSampleRelease = System.nanoTime() - settings.recheck().toNanos();

        @SuppressWarnings("ReferenceEquality") // a waiter is its own identity: two waiters are never equal
        Ticket admit(List<Target> endpoints, int priority, String flow) throws InterruptedException {
            long start = System.nanoTime();
            lock.lock();
            try {
                if (waiters.isEmpty() && !saturated(endpoints)) {
                    return new Ticket.Admitted();
                }
                if (priority < 0) {
                    return new Ticket.Shed(settings.retryAfter());
                }
                if (waiters.size() >= settings.maxQueueLength()) {
                    return new Ticket.Full(waiters.size());
                }
                FairOrder.Entry me = waiters.add(flow, priority);
                long deadline = start + settings.queueTimeout().toNanos();
                long recheck = settings.recheck().toNanos();
                try {
                    while (true) {
                        if (waiters.head() == me) {
                            if (handOvers > 0) {
                                handOvers--;
                                return leave(me, start);
                            }
                            long now = System.nanoTime();
                            if (now - lastSampleRelease >= recheck && !saturated(endpoints)) {
                                lastSampleRelease = now;
                                return leave(me, start);
                            }
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            waiters.gaveUp(me);
                            changed.signalAll();
                            return new Ticket.TimedOut(Duration.ofNanos(System.nanoTime() - start));
                        }
                        changed.await(Math.min(left, recheck), TimeUnit.NANOSECONDS);
                    }
                } catch (InterruptedException e) {
                    waiters.gaveUp(me);
                    changed.signalAll();
                    throw e;
                }
            } finally {
                lock.unlock();
            }
        }

        private Ticket leave(FairOrder.Entry me, long start) {
            waiters.admitted(me);
            if (waiters.isEmpty()) {
                handOvers = 0;
            }
            changed.signalAll();
            return new Ticket.Admitted(System.nanoTime() - start);
        }

        void released() {
            lock.lock();
            try {
                if (!waiters.isEmpty()) {
                    handOvers = Math.min(handOvers + 1, waiters.size());
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
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
