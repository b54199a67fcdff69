package io.infergate.router.extproc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * gRPC health of the endpoint pickers, checked in the background so that a picker known to be
 * down or not serving is failed at once by its pool's failure mode instead of costing each
 * request a connection attempt or a timeout.
 *
 * <p>Rules: a picker is checked from its first use on, every {@link PickerSettings#healthInterval}
 * ({@code grpc.health.v1.Health/Check} for {@code envoy.service.ext_proc.v3.ExternalProcessor}),
 * first on its ext_proc port; when that port has no health service (UNIMPLEMENTED or NOT_FOUND),
 * on {@link PickerSettings#healthPort} without TLS (the EPP's convention, 9003). A picker is
 * unhealthy when the answer is NOT_SERVING, when its port cannot be reached (UNAVAILABLE), or
 * when {@link #TIMEOUTS_TO_UNREACHABLE} checks in a row timed out (one slow answer on a busy
 * machine is not a dead picker; from then on each timed-out check also drops the channel's
 * connection, which may be dead without knowing it); a request that finds it unreachable marks it so at once. A picker without any health
 * service, or not checked yet, is taken as healthy: the requests themselves decide. Unhealthy
 * pickers are checked with a fresh connection attempt each time (no gRPC backoff), so one that
 * comes back is used again within about one interval.
 *
 * <p>Order: checks run asynchronously and may overlap (a check stuck in a connection attempt to a
 * starting picker can answer after a later one), so every check and every request's evidence
 * takes a ticket when it starts, and a result is applied only if no later-started one has been
 * applied: a late UNAVAILABLE from before the picker came up never overrides a newer SERVING. A
 * request that the picker routed is evidence too: it clears an UNREACHABLE mark at once.
 */
final class PickerHealth implements AutoCloseable {

    /** The last known health of one picker. */
    enum State {
        UNCHECKED,
        SERVING,
        NOT_SERVING,
        UNREACHABLE,
        NO_HEALTH_SERVICE
    }

    /** Health checks in a row that may time out before a reachable picker counts as unreachable. */
    static final int TIMEOUTS_TO_UNREACHABLE = 3;

    /**
     * @param timeouts health checks timed out in a row
     * @param ticket   when the check or request this state comes from started ({@link #tickets})
     */
    private record Known(State state, String detail, int timeouts, long ticket) {
        Known(State state, String detail, long ticket) {
            this(state, detail, 0, ticket);
        }

        boolean unhealthy() {
            return state == State.NOT_SERVING || state == State.UNREACHABLE;
        }
    }

    private final PickerSettings settings;
    private final PickerChannels channels;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** The periodic check of each picker, cancelled when no pool names it any more. */
    private final Map<String, java.util.concurrent.ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();
    /** Start order of checks and requests, across all pickers. */
    private final AtomicLong tickets = new AtomicLong();

    private final ScheduledExecutorService timer;

    PickerHealth(PickerSettings settings, PickerChannels channels) {
        this.settings = settings;
        this.channels = channels;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "endpoint-picker-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Why the picker is unhealthy, or empty; its checks start with its first use. */
    Optional<String> unhealthy(String host, int port) {
        String key = host + ":" + port;
        Known k = known.get(key);
        if (k == null && known.putIfAbsent(key, new Known(State.UNCHECKED, "", 0)) == null) {
            long every = settings.healthInterval().toNanos();
            schedules.put(key, timer.scheduleWithFixedDelay(() -> check(host, port), 0, every, TimeUnit.NANOSECONDS));
            return Optional.empty();
        }
        return k != null && k.unhealthy() ? Optional.of("health check: " + k.detail()) : Optional.empty();
    }

    /**
     * Stops checking every picker not in {@code keep} ({@code host:port}) and forgets what was
     * known of it, then runs {@code after} — on the checks' own thread, so that no check of a
     * forgotten picker is half-way through opening a channel when {@code after} closes them.
     */
    void retainOnly(java.util.Set<String> keep, Runnable after) {
        try {
            timer.execute(() -> {
                for (String key : java.util.List.copyOf(known.keySet())) {
                    if (!keep.contains(key)) {
                        java.util.concurrent.ScheduledFuture<?> f = schedules.remove(key);
                        if (f != null) {
                            f.cancel(false);
                        }
                        known.remove(key);
                    }
                }
                after.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing is checked any more
        }
    }

    /** A ticket for a request about to ask a picker: its evidence is as new as its start. */
    long ticket() {
        return tickets.incrementAndGet();
    }

    /**
     * A request that started at {@code ticket} could not reach the picker: unhealthy until a
     * later check finds it serving.
     */
    void unreachable(String host, int port, String detail, long ticket) {
        known.computeIfPresent(host + ":" + port, (k, v) -> newer(v, new Known(State.UNREACHABLE, detail, ticket)));
    }

    /**
     * A request that started at {@code ticket} was answered by the picker: it is reachable, so an
     * UNREACHABLE mark from before is lifted (NOT_SERVING stays until a check says otherwise).
     */
    void reachable(String host, int port, long ticket) {
        known.computeIfPresent(
                host + ":" + port,
                (k, v) -> v.state() == State.UNREACHABLE ? newer(v, new Known(State.SERVING, "answered", ticket)) : v);
    }

    /** {@code next} unless {@code before} comes from a later-started check or request. */
    private static Known newer(Known before, Known next) {
        return before != null && before.ticket() > next.ticket() ? before : next;
    }

    private void apply(String key, Known next) {
        known.compute(key, (k, v) -> newer(v, next));
    }

    /** The last known state (for tests and logs). */
    State state(String host, int port) {
        Known k = known.get(host + ":" + port);
        return k == null ? State.UNCHECKED : k.state();
    }

    private void check(String host, int port) {
        if (!known.containsKey(host + ":" + port)) {
            return; // retired
        }
        long ticket = tickets.incrementAndGet();
        try {
            checkOnce(host, port, ticket);
        } catch (RuntimeException e) {
            // a failed check must not end the schedule: the next one runs anyway
            apply(host + ":" + port, new Known(State.NO_HEALTH_SERVICE, "check failed: " + e, ticket));
        }
    }

    private void checkOnce(String host, int port, long ticket) {
        String key = host + ":" + port;
        Known before = known.get(key);
        ManagedChannel channel = channels.channel(host, port);
        if (before != null && before.unhealthy()) {
            channel.resetConnectBackoff();
        }
        ask(
                channel,
                status -> {
                    switch (status.getCode()) {
                        case UNIMPLEMENTED, NOT_FOUND -> {
                            if (!known.containsKey(key)) {
                                return; // retired meanwhile: open no channel for it
                            }
                            // no health service for ext_proc on this port: the EPP's convention is a
                            // separate plaintext port; without one there, requests decide
                            ManagedChannel other = channels.plaintext(host, settings.healthPort());
                            if (before != null && before.unhealthy()) {
                                other.resetConnectBackoff();
                            }
                            ask(
                                    other,
                                    s2 -> {
                                        if (s2.isOk()) {
                                            return; // set by the answer
                                        }
                                        apply(
                                                key,
                                                new Known(
                                                        State.NO_HEALTH_SERVICE,
                                                        s2.getCode().toString(),
                                                        ticket));
                                    },
                                    key,
                                    "port " + settings.healthPort(),
                                    ticket);
                        }
                        case UNAVAILABLE -> apply(key, new Known(State.UNREACHABLE, "UNAVAILABLE on " + key, ticket));
                        // a slow answer is not a dead picker (a loaded machine): only several in a row
                        case DEADLINE_EXCEEDED -> {
                            Known now = known.compute(key, (k, v) -> timedOut(v, key, ticket));
                            if (now.state() == State.UNREACHABLE && now.timeouts() >= TIMEOUTS_TO_UNREACHABLE) {
                                // Checks that keep timing out may be riding a dead connection: a picker
                                // Pod that went away leaves no reset behind (its network namespace is
                                // gone), and gRPC would keep the connection until TCP gives up, minutes
                                // later, even after a new picker Pod is behind the same Service. Drop it:
                                // the next call connects afresh.
                                channel.enterIdle();
                            }
                        }
                        default ->
                            apply(
                                    key,
                                    new Known(
                                            State.NO_HEALTH_SERVICE,
                                            status.getCode().toString(),
                                            ticket));
                    }
                },
                key,
                "port " + port,
                ticket);
    }

    private static Known timedOut(Known before, String key, long ticket) {
        if (before != null && before.ticket() > ticket) {
            return before; // a later-started check or request has spoken already
        }
        int n = (before == null ? 0 : before.timeouts()) + 1;
        if (n >= TIMEOUTS_TO_UNREACHABLE) {
            return new Known(State.UNREACHABLE, n + " health checks in a row timed out on " + key, n, ticket);
        }
        return before == null
                ? new Known(State.UNCHECKED, "", n, ticket)
                : new Known(before.state(), before.detail(), n, ticket);
    }

    /**
     * One asynchronous Check: an answer sets the state; a failed call goes to {@code onError}
     * (never for an OK status).
     */
    private void ask(ManagedChannel channel, Consumer<Status> onError, String key, String where, long ticket) {
        StreamObserver<Integer> answer = new StreamObserver<>() {
            @Override
            public void onNext(Integer status) {
                apply(
                        key,
                        switch (status) {
                            case GrpcHealth.SERVING -> new Known(State.SERVING, "SERVING", ticket);
                            case GrpcHealth.NOT_SERVING ->
                                new Known(State.NOT_SERVING, "NOT_SERVING on " + where, ticket);
                            default -> new Known(State.NOT_SERVING, "status " + status + " on " + where, ticket);
                        });
            }

            @Override
            public void onError(Throwable t) {
                onError.accept(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {}
        };
        try {
            ClientCalls.asyncUnaryCall(
                    channel.newCall(
                            GrpcHealth.CHECK,
                            CallOptions.DEFAULT.withDeadlineAfter(
                                    settings.healthTimeout().toNanos(), TimeUnit.NANOSECONDS)),
                    GrpcHealth.EXT_PROC_SERVICE,
                    answer);
        } catch (RuntimeException e) {
            onError.accept(Status.fromThrowable(e));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
