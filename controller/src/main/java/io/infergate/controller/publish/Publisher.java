package io.infergate.controller.publish;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Keeps every router holding the current snapshot.
 *
 * <p>Rules: each router has its own loop on a virtual thread, so a slow or dead router never
 * delays the others. A new snapshot is pushed at once to every router (in parallel, by those
 * loops). Then, level-triggered, each loop asks its router every {@code period} which snapshot it
 * holds and pushes again when the id differs or the router holds none (a restarted router is back
 * in sync within about one period). Failures back off exponentially from {@code period} up to
 * {@code maxBackoff}; a new snapshot cuts the wait short. Each router's acknowledged id is the one
 * it last reported holding (a PUT or GET answer); an unreachable router keeps its last known id,
 * a router answering 404 has none.
 *
 * <p>The set of routers may change while running ({@link #setRouters}): a new router's loop pushes
 * at once, a removed router's loop stops. The token is read for every request, so a rotated token
 * is used from the next request on.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Publisher.class.getName());
    private static final Duration JOIN = Duration.ofSeconds(5);

    private final Events events;
    private final RouterClient client;
    private final Settings settings;
    private volatile List<RouterLoop> loops;
    private volatile Desired desired;
    private volatile boolean running;

    /**
     * Timing of the loops.
     *
     * @param period         how often a router in sync is checked
     * @param connectTimeout TCP connect timeout per request
     * @param readTimeout    read timeout per request
     * @param maxBackoff     the longest wait after repeated failures
     */
    public record Settings(Duration period, Duration connectTimeout, Duration readTimeout, Duration maxBackoff) {
        /** One-second checks, two-second timeouts, at most three seconds between retries. */
        public static Settings defaults() {
            return new Settings(
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(3));
        }

        /**
         * Cluster mode: checks every 250 ms, retries back off 250, 500, 750 ms, so that a router pod
         * gets the snapshot within a second of becoming reachable (a new pod is tried at once).
         */
        public static Settings cluster() {
            return new Settings(
                    Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(750));
        }
    }

    /** A router and the snapshot id it last reported holding. */
    public record RouterAck(URI url, Optional<String> ackedId) {}

    /** What the publisher reports; called on the router loops' threads, never under a lock. */
    public interface Events {
        /** Some router's acknowledged id changed; {@code acks} is the state of all routers. */
        void acksChanged(List<RouterAck> acks);

        /** One push ended: {@code accepted}, {@code rejected} or {@code failed}. */
        void pushed(URI router, String outcome);
    }

    private record Desired(String id, String json) {}

    /** A fixed set of routers and a fixed token (local mode). */
    public Publisher(List<URI> routers, Optional<String> token, Settings settings, Events events) {
        this(routers, () -> token, settings, events);
    }

    /**
     * @param token read for every request; empty sends no Authorization header
     */
    public Publisher(List<URI> routers, Supplier<Optional<String>> token, Settings settings, Events events) {
        this(routers, token, Optional.empty(), settings, events);
    }

    /**
     * @param token read for every request; empty sends no Authorization header
     * @param tls   verifies routers whose URL is {@code https}, read for every request
     *              (docs/adr/0035-internal-api-tls.md)
     */
    public Publisher(
            List<URI> routers,
            Supplier<Optional<String>> token,
            Optional<Supplier<SSLContext>> tls,
            Settings settings,
            Events events) {
        this.settings = settings;
        this.events = events;
        this.client = new RouterClient(settings.connectTimeout(), settings.readTimeout(), token, tls);
        this.loops = routers.stream().distinct().map(RouterLoop::new).toList();
    }

    /** Starts one loop per router. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        loops.forEach(RouterLoop::start);
    }

    /**
     * Replaces the set of routers: loops of routers no longer listed stop, new routers get a loop
     * that pushes the current snapshot at once. Reports the acks when the set changed.
     */
    public void setRouters(List<URI> routers) {
        List<RouterLoop> stopped = new ArrayList<>();
        synchronized (this) {
            List<URI> wanted = routers.stream().distinct().toList();
            if (wanted.equals(loops.stream().map(l -> l.url).toList())) {
                return;
            }
            Map<URI, RouterLoop> current = new HashMap<>();
            loops.forEach(l -> current.put(l.url, l));
            List<RouterLoop> next = new ArrayList<>();
            for (URI url : wanted) {
                RouterLoop loop = current.remove(url);
                if (loop == null) {
                    loop = new RouterLoop(url);
                    LOG.info("router " + url + " added");
                    if (running) {
                        loop.start();
                    }
                }
                next.add(loop);
            }
            stopped.addAll(current.values());
            loops = List.copyOf(next);
        }
        for (RouterLoop loop : stopped) {
            LOG.info(() -> "router " + loop.url + " removed");
            loop.stop(false);
        }
        events.acksChanged(acks());
    }

    /** Makes this snapshot the one every router should hold, and pushes it now. */
    public void publish(String id, String json) {
        desired = new Desired(id, json);
        loops.forEach(RouterLoop::wake);
    }

    /** Every router with its acknowledged id, in configuration order. */
    public List<RouterAck> acks() {
        return loops.stream().map(l -> new RouterAck(l.url, l.acked)).toList();
    }

    /** How many routers hold the current snapshot. */
    public int inSync() {
        Desired d = desired;
        return d == null
                ? 0
                : (int) loops.stream()
                        .filter(l -> l.acked.filter(d.id::equals).isPresent())
                        .count();
    }

    /** How many routers there are. */
    public int routers() {
        return loops.size();
    }

    /**
     * Whether every router has been tried at least once since it was added (answered, or
     * failed), so that a first attempt is no longer on its way.
     */
    public boolean settled() {
        return loops.stream().allMatch(l -> l.tried);
    }

    /**
     * The routers that have not answered since they were added: no push accepted, no check saying
     * which snapshot they hold or that they hold none. A router whose attempts have only failed
     * so far (a timeout on a loaded node, a pod not listening yet) is among them: its
     * acknowledgement is unknown, not "none".
     */
    public Set<URI> unanswered() {
        return loops.stream().filter(l -> !l.answered).map(l -> l.url).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void close() {
        List<RouterLoop> all;
        synchronized (this) {
            running = false;
            all = loops;
        }
        for (RouterLoop loop : all) {
            if (!loop.stop(true)) {
                return;
            }
        }
    }

    /** One router's loop. Fields other than {@code acked} are touched by its own thread only. */
    private final class RouterLoop implements Runnable {
        private final URI url;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition signal = lock.newCondition();
        private boolean woken;
        private volatile Optional<String> acked = Optional.empty();
        private volatile Thread thread;
        private volatile boolean stopped;
        private volatile boolean tried;
        private volatile boolean answered;
        private String lastPushed;
        private int failures;
        private String lastFailure;

        RouterLoop(URI url) {
            this.url = url;
        }

        void start() {
            thread = Thread.ofVirtual().name("publish-" + url).start(this);
        }

        /** Stops the loop; with {@code join}, waits for it. False when interrupted while waiting. */
        boolean stop(boolean join) {
            stopped = true;
            wake();
            Thread t = thread;
            if (t == null) {
                return true;
            }
            t.interrupt();
            if (join) {
                try {
                    t.join(JOIN);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        void wake() {
            lock.lock();
            try {
                woken = true;
                signal.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void run() {
            while (running && !stopped) {
                Desired d = desired;
                if (d != null) {
                    sync(d);
                }
                try {
                    await(failures == 0 ? settings.period() : backoff());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void await(Duration wait) throws InterruptedException {
            lock.lock();
            try {
                // A loop, because a condition may wake up spuriously: that must not cut the wait short.
                long remaining = wait.toNanos();
                while (!woken && running && !stopped && remaining > 0) {
                    remaining = signal.awaitNanos(remaining);
                }
                woken = false;
            } finally {
                lock.unlock();
            }
        }

        private Duration backoff() {
            long factor = 1L << Math.min(failures - 1, 20);
            Duration d = settings.period().multipliedBy(factor);
            return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
        }

        private void sync(Desired d) {
            if (!d.id.equals(lastPushed)) {
                push(d); // a new snapshot: no need to ask first
                return;
            }
            switch (client.probe(url)) {
                case RouterClient.Probe.Holds h
                when h.id().equals(d.id) -> {
                    ack(Optional.of(h.id()));
                    succeeded();
                }
                case RouterClient.Probe.Holds h -> {
                    ack(Optional.of(h.id()));
                    LOG.info(() -> "router " + url + " holds " + h.id() + " instead of " + d.id + "; pushing again");
                    push(d);
                }
                case RouterClient.Probe.Empty e -> {
                    ack(Optional.empty());
                    LOG.info(() -> "router " + url + " holds no snapshot; pushing " + d.id);
                    push(d);
                }
                case RouterClient.Probe.Failed f -> failed("checking its snapshot failed: " + f.reason());
            }
        }

        private void push(Desired d) {
            lastPushed = d.id;
            switch (client.push(url, d.json)) {
                case RouterClient.Push.Accepted a -> {
                    ack(Optional.of(a.id()));
                    events.pushed(url, "accepted");
                    LOG.info(() ->
                            "router " + url + " accepted snapshot " + a.id() + (a.changed() ? "" : " (unchanged)"));
                    succeeded();
                }
                case RouterClient.Push.Rejected r -> {
                    events.pushed(url, "rejected");
                    failed("rejected snapshot " + d.id + ": " + r.detail());
                }
                case RouterClient.Push.Failed f -> {
                    events.pushed(url, "failed");
                    failed("push of snapshot " + d.id + " failed: " + f.reason());
                }
            }
        }

        private void ack(Optional<String> id) {
            // The ack first, then answered and tried, then the event: settled() must never be true
            // while an answered router still shows its old ack (a new leader would write
            // Programmed from acks that miss it), and a listener told of the change may ask.
            boolean changed = !id.equals(acked) && !stopped;
            if (changed) {
                acked = id;
            }
            answered = true;
            tried = true;
            if (changed) {
                events.acksChanged(acks());
            }
        }

        private void succeeded() {
            if (failures > 0) {
                LOG.info(() -> "router " + url + " is in sync again");
            }
            failures = 0;
            lastFailure = null;
        }

        private void failed(String reason) {
            tried = true;
            failures++;
            if (!reason.equals(lastFailure)) {
                lastFailure = reason;
                Duration wait = backoff();
                LOG.warning(() -> "router " + url + ": " + reason + " (retrying within " + wait.toMillis() + " ms)");
            }
            if (failures >= 2) {
                lastPushed = null; // after repeated failures, push directly instead of asking first
            }
        }
    }
}
