package io.infergate.router.extproc;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Filter;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.endpoint.Target;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Asks the external endpoint picker of an InferencePool (its {@code endpointPickerRef}, resolved by
 * the controller into the snapshot) where each request goes, and turns the answer into a
 * {@link Selection}.
 *
 * <p>Rules: only endpoints of the pool are routed to (a named endpoint outside the pool is dropped
 * from the list; a list with none left is a picker failure). A failed picker (unreachable, too slow,
 * an answer that breaks the protocol) falls back to the native picker when the pool fails open and
 * is answered with a 5xx when it fails closed (the default). A picker whose gRPC health check
 * fails ({@link PickerHealth}) is failed the same way at once, without a stream. Every fallback is
 * counted; the first per pool in a minute is logged, so a dead picker does not flood the log.
 */
public final class ExternalPickers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExternalPickers.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Control headers of the protocol: meant for the gateway, never sent to the model server. */
    static final List<String> CONTROL_HEADERS = List.of(Answers.DESTINATION, "x-gateway-destination-endpoint-subset");

    private final PickerChannels channels;
    private final PickerHealth health;
    private final PickerClient client;
    private final RouterMetrics metrics;
    private final LongSupplier clock;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    public ExternalPickers(PickerSettings settings, RouterMetrics metrics) {
        this(settings, metrics, System::nanoTime);
    }

    ExternalPickers(PickerSettings settings, RouterMetrics metrics, LongSupplier clock) {
        this.channels = new PickerChannels(settings);
        this.health = new PickerHealth(settings, channels);
        this.client = new PickerClient(settings);
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The pickers the served pools name are health-checked from now on, not from their first
     * request: the first check opens the channel (TCP, TLS handshake, HTTP/2) and runs the client's
     * gRPC path once, so the first request through a picker does not pay for them, and a picker
     * that is down is known before a request finds out. Does not block.
     */
    public void prepare(List<Backend> backends) {
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Backend b : backends) {
            if (b instanceof Backend.InferencePool pool && pool.endpointPicker().isPresent()) {
                Backend.EndpointPicker p = pool.endpointPicker().get();
                named.add(p.host() + ":" + p.port());
                var unused = health.unhealthy(p.host(), p.port());
            }
        }
        // Pickers no served pool names any more (a deleted pool's Service): their checks stop and
        // their channels shut down, else they would resolve and reconnect for as long as the
        // router runs. A request still on the previous snapshot may open one again; the next
        // snapshot closes it.
        health.retainOnly(named, () -> {
            java.util.Set<String> retired = channels.retainOnly(named);
            if (!retired.isEmpty()) {
                LOG.info(() -> "endpoint pickers no pool names any more, channels closed: " + retired);
            }
        });
    }

    /** The {@code host:port} of every picker with an open channel (tests). */
    java.util.Set<String> openChannels() {
        return channels.open();
    }

    /** The pool's endpoint picker, when the backend is a pool that names one. */
    public static Optional<Backend.EndpointPicker> pickerOf(BackendTarget backend) {
        return backend.backend() instanceof Backend.InferencePool pool ? pool.endpointPicker() : Optional.empty();
    }

    /** Asks {@code picker} about {@code request} for the pool {@code backend}. */
    public Selection select(BackendTarget backend, Backend.EndpointPicker picker, PickerRequest request)
            throws InterruptedException {
        Optional<String> down = health.unhealthy(picker.host(), picker.port());
        if (down.isPresent()) {
            // known down or not serving: fail at once, no stream and no connection attempt
            Selection s = failed(backend, picker, new Decision.Failed("unavailable", down.get()), 0);
            metrics.endpointPickerOutcome(backend.id(), s instanceof Selection.FallBack ? "fallback" : "refused");
            return s;
        }
        long ticket = health.ticket();
        long start = clock.getAsLong();
        PickerClient.Asked asked = client.askKeepingStream(channels.channel(picker.host(), picker.port()), request);
        metrics.endpointPickerCall(backend.id(), clock.getAsLong() - start);
        Selection s = switch (asked.decision()) {
            case Decision.Immediate i -> new Selection.Answered(i);
            case Decision.Failed f -> failed(backend, picker, f, ticket);
            case Decision.Route r -> route(backend, picker, r, asked.phase(), ticket);
        };
        if (!(asked.decision() instanceof Decision.Failed)) {
            health.reachable(picker.host(), picker.port(), ticket);
        }
        if (!(s instanceof Selection.Routed)) {
            asked.phase().close();
        }
        metrics.endpointPickerOutcome(
                backend.id(),
                switch (s) {
                    case Selection.Routed r -> "routed";
                    case Selection.Answered a -> "answered";
                    case Selection.FallBack f -> "fallback";
                    case Selection.Refused r -> "refused";
                });
        return s;
    }

    private Selection route(
            BackendTarget backend, Backend.EndpointPicker picker, Decision.Route r, ResponsePhase phase, long ticket) {
        Map<String, Target> byKey = new HashMap<>();
        for (Target t : backend.endpoints()) {
            byKey.put(t.key(), t);
        }
        List<Target> targets = new ArrayList<>(r.endpoints().size());
        List<String> outside = new ArrayList<>();
        for (String key : r.endpoints()) {
            Target t = byKey.get(key);
            if (t == null) {
                outside.add(key);
            } else if (!targets.contains(t)) {
                targets.add(t);
            }
        }
        if (targets.isEmpty()) {
            return failed(
                    backend,
                    picker,
                    new Decision.Failed(
                            "protocol",
                            "the picker named only endpoints outside the pool: " + String.join(",", outside)),
                    ticket);
        }
        if (!outside.isEmpty()) {
            LOG.fine(() ->
                    "endpoint picker of " + backend.id() + " named endpoints outside the pool, skipped: " + outside);
        }
        List<Filter.Header> set = new ArrayList<>();
        for (Map.Entry<String, String> h : r.setHeaders()) {
            // framing and pseudo-headers stay the router's: the body length is set when it is sent
            if (!h.getKey().startsWith(":")
                    && !h.getKey().equals("content-length")
                    && !CONTROL_HEADERS.contains(h.getKey())) {
                set.add(new Filter.Header(h.getKey(), h.getValue()));
            }
        }
        List<String> remove = new ArrayList<>(CONTROL_HEADERS);
        r.removeHeaders().stream()
                .filter(n -> !n.startsWith(":") && !remove.contains(n))
                .forEach(remove::add);
        return new Selection.Routed(targets, new Filter.RequestHeaderModifier(set, List.of(), remove), r.body(), phase);
    }

    /** @param ticket when the request started asking ({@link PickerHealth#ticket}); 0 for none */
    private Selection failed(BackendTarget backend, Backend.EndpointPicker picker, Decision.Failed f, long ticket) {
        String where = picker.host() + ":" + picker.port();
        long now = clock.getAsLong();
        if (f.kind().equals("unavailable") && !f.reason().startsWith("health check")) {
            channels.unreachable(picker.host(), picker.port(), now);
            health.unreachable(picker.host(), picker.port(), f.reason(), ticket);
        }
        Long last = lastLogged.get(backend.id());
        if (last == null || now - last >= LOG_EVERY_NANOS) {
            lastLogged.put(backend.id(), now);
            LOG.warning("endpoint picker " + where + " of " + backend.id() + " failed (" + f.kind() + ": " + f.reason()
                    + "); " + (picker.failOpen() ? "failing open to the router's own picker" : "failing closed")
                    + " (logged at most once a minute per pool)");
        }
        String reason = "endpoint picker " + where + " of " + backend.id() + " failed: " + f.kind();
        if (picker.failOpen()) {
            return new Selection.FallBack(reason);
        }
        int status = f.kind().equals("unavailable") || f.kind().equals("timeout") ? 503 : 502;
        return new Selection.Refused(status, reason);
    }

    @Override
    public void close() {
        health.close();
        channels.close();
    }
}
