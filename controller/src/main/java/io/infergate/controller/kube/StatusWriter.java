package io.infergate.controller.kube;

import com.google.gson.JsonElement;
import io.infergate.controller.lifecycle.BackgroundThreads;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusMerge;
import io.infergate.controller.status.StatusPlan;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import okhttp3.Call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Writes the status plan to the status subresources, while this controller leads.
 *
 * <p>Rules: level-triggered, on its own virtual thread: every {@link #signal()} (and every
 * {@code resync} period) compares each planned status, merged into what the object carries
 * ({@link StatusMerge}), with the object as cached by the informers, and writes only what differs
 * (a PUT of {@code /status} with the cached resourceVersion). A 409 conflict re-reads the object
 * from the API, merges again and retries, up to {@value #ATTEMPTS} times; a 404 means the object
 * is gone and is skipped. An object whose cached copy is still the version this writer last
 * replaced is read from the API instead (the cache has not seen that write yet, and a stale copy
 * that happens to equal the plan would skip a needed write until the next resync). Nothing is written while {@code mayWrite} is false (not the leader, or
 * the routers' acknowledgements are not known yet, which would flip Programmed), and an entry
 * {@code hold} names is left as the object carries it for now (compared again soon).
 */
public final class StatusWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusWriter.class.getName());
    private static final int ATTEMPTS = 5;
    private static final Duration RECHECK = Duration.ofMillis(250);

    private final CustomObjectsApi api;
    private final ApiClient client;
    private final Lookup cache;
    private final Supplier<StatusPlan> plan;
    private final BooleanSupplier mayWrite;
    private final Predicate<StatusPlan.Entry> hold;
    private final String controllerName;
    private final Clock clock;
    private final Duration resync;
    private final Events events;
    private final Signal signal = new Signal();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    /**
     * Per object, the resourceVersion our last status write replaced, until the informers' cache
     * shows a newer one (the cache lags behind our own writes).
     */
    private final Map<ObjectKey, String> writtenOver = new ConcurrentHashMap<>();
    /** Conditions of objects without status fields go out as Events (docs/adr/0029-kthena-objects.md). */
    private final KthenaEvents kthenaEvents;

    private volatile boolean running;
    private Thread thread;

    /** Reads the informers' cache: an object of a kind as a tree, if cached. */
    @FunctionalInterface
    public interface Lookup {
        Optional<Map<String, Object>> get(String kind, String namespace, String name);
    }

    /** Outcomes, for metrics. */
    public interface Events {
        /** {@code written}, {@code conflict} (each 409) or {@code failed}. */
        void status(String outcome);
    }

    /** What happened to one object. */
    public enum Outcome {
        WRITTEN,
        UNCHANGED,
        GONE,
        FAILED
    }

    /**
     * @param plan     the current stamped plan
     * @param mayWrite whether writing is allowed now (leader, acknowledgements known)
     * @param resync   how often everything is compared even without a signal
     */
    public StatusWriter(
            ApiClient client,
            Lookup cache,
            Supplier<StatusPlan> plan,
            BooleanSupplier mayWrite,
            String controllerName,
            Clock clock,
            Duration resync,
            Events events) {
        this(client, cache, plan, mayWrite, e -> false, controllerName, clock, resync, events);
    }

    /**
     * As above, with entries to leave alone for now.
     *
     * @param hold entries not to write yet (the pass that meets one is followed by another soon)
     */
    public StatusWriter(
            ApiClient client,
            Lookup cache,
            Supplier<StatusPlan> plan,
            BooleanSupplier mayWrite,
            Predicate<StatusPlan.Entry> hold,
            String controllerName,
            Clock clock,
            Duration resync,
            Events events) {
        this.hold = hold;
        this.client = client;
        this.api = new CustomObjectsApi(client);
        this.cache = cache;
        this.plan = plan;
        this.mayWrite = mayWrite;
        this.controllerName = controllerName;
        this.clock = clock;
        this.resync = resync;
        this.events = events;
        this.kthenaEvents = new KthenaEvents(client, controllerName, clock);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name("status-writer").start(this::loop);
    }

    /** Something may have changed: compare again soon. Never blocks. */
    public void signal() {
        signal.raise();
    }

    /** Successful writes so far. */
    public long writes() {
        return writes.get();
    }

    /** Complete passes over the plan so far (each compares every planned status). */
    public long passes() {
        return passes.get();
    }

    /** 409 conflicts met so far (each one retried). */
    public long conflicts() {
        return conflicts.get();
    }

    @Override
    public void close() {
        running = false;
        BackgroundThreads.stop(thread);
    }

    private void loop() {
        boolean pending = true;
        while (running) {
            try {
                // While a change waits for permission (leadership, acknowledgements), look again soon.
                signal.await(pending ? RECHECK : resync);
                if (!mayWrite.getAsBoolean()) {
                    pending = true;
                    continue;
                }
                held = false;
                boolean failed = syncAll();
                pending = held;
                passes.incrementAndGet();
                if (failed) {
                    Thread.sleep(Duration.ofSeconds(1)); // then compare again
                    signal.raise();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warning(() -> "writing status failed: " + e);
            }
        }
    }

    /** Whether the last pass left an entry alone because {@code hold} named it. */
    private boolean held;

    /** One pass over the plan; true when some write failed (or the pass was cut short). */
    private boolean syncAll() throws InterruptedException {
        StatusPlan current = plan.get();
        Set<String> ourGateways = new HashSet<>();
        current.entries().stream()
                .filter(e -> e.status() instanceof ObjectStatus.GatewayStatus)
                .forEach(
                        e -> ourGateways.add(e.key().namespace() + "/" + e.key().name()));
        kthenaEvents.retain(current.entries().stream()
                .filter(e -> e.status() instanceof ObjectStatus.EventStatus)
                .map(StatusPlan.Entry::key)
                .collect(java.util.stream.Collectors.toSet()));
        boolean failed = false;
        for (StatusPlan.Entry entry : current.entries()) {
            if (!running || !mayWrite.getAsBoolean()) {
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (hold.test(entry)) {
                held = true;
                continue;
            }
            if (entry.status() instanceof ObjectStatus.EventStatus reported) {
                failed |= !kthenaEvents.report(
                        entry.key(),
                        reported,
                        cache.get(
                                        entry.key().kind(),
                                        entry.key().namespace(),
                                        entry.key().name())
                                .flatMap(KthenaEvents::uid));
                continue;
            }
            failed |= write(
                            entry,
                            ourGateways,
                            cache.get(
                                    entry.key().kind(),
                                    entry.key().namespace(),
                                    entry.key().name()))
                    == Outcome.FAILED;
        }
        return failed;
    }

    /**
     * Brings one object's status in line with the plan.
     *
     * @param cached the object as last seen (may be stale: a conflict re-reads it); empty to read it first
     */
    public Outcome write(StatusPlan.Entry entry, Set<String> ourGateways, Optional<Map<String, Object>> cached) {
        ObjectKey key = entry.key();
        Optional<Map<String, Object>> object = cached;
        String overwritten = writtenOver.get(key);
        if (overwritten != null) {
            if (object.isPresent() && overwritten.equals(resourceVersion(object.get()))) {
                // The cache still holds the version our last write replaced: it has not seen that
                // write yet, so comparing with it could skip a needed write. Read the object.
                object = Optional.empty();
            } else {
                writtenOver.remove(key, overwritten);
            }
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (object.isEmpty()) {
                    object = read(key);
                    if (object.isEmpty()) {
                        writtenOver.remove(key);
                        return Outcome.GONE;
                    }
                }
                Map<String, Object> current = Trees.map(object.get(), "status");
                Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                Map<String, Object> merged =
                        StatusMerge.merge(key, entry.status(), current, controllerName, ourGateways, now);
                if (Objects.equals(merged, current)) {
                    return Outcome.UNCHANGED;
                }
                Map<String, Object> body = Trees.copy(object.get());
                body.put("status", merged);
                Map<String, Object> meta = Trees.map(body, "metadata");
                if (meta != null) {
                    meta.remove("managedFields");
                }
                execute(replaceCall(key, body));
                String replaced = resourceVersion(object.get());
                if (replaced != null) {
                    writtenOver.put(key, replaced);
                }
                writes.incrementAndGet();
                events.status("written");
                LOG.fine(() -> "wrote the status of " + key);
                return Outcome.WRITTEN;
            } catch (ApiException e) {
                if (e.getCode() == 409) {
                    conflicts.incrementAndGet();
                    events.status("conflict");
                    LOG.fine(() -> "conflict writing the status of " + key + ", reading it again");
                    object = Optional.empty();
                    continue;
                }
                if (e.getCode() == 404) {
                    writtenOver.remove(key);
                    return Outcome.GONE;
                }
                events.status("failed");
                LOG.warning(() -> "writing the status of " + key + " failed: HTTP " + e.getCode() + " " + brief(e));
                return Outcome.FAILED;
            }
        }
        events.status("failed");
        LOG.warning(
                () -> "writing the status of " + key + " failed: still conflicting after " + ATTEMPTS + " attempts");
        return Outcome.FAILED;
    }

    private static String resourceVersion(Map<String, Object> object) {
        Map<String, Object> meta = Trees.map(object, "metadata");
        return meta == null || !(meta.get("resourceVersion") instanceof String rv) ? null : rv;
    }

    private Optional<Map<String, Object>> read(ObjectKey key) throws ApiException {
        String[] gv = key.apiVersion().split("/", 2);
        String plural = plural(key.kind());
        Call call = key.namespace().isEmpty()
                ? api.getClusterCustomObject(gv[0], gv[1], plural, key.name()).buildCall(null)
                : api.getNamespacedCustomObject(gv[0], gv[1], key.namespace(), plural, key.name())
                        .buildCall(null);
        try {
            Object tree = Trees.value(execute(call));
            @SuppressWarnings("unchecked")
            Map<String, Object> map = tree instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            return Optional.ofNullable(map);
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Call replaceCall(ObjectKey key, Map<String, Object> body) throws ApiException {
        String[] gv = key.apiVersion().split("/", 2);
        String plural = plural(key.kind());
        return key.namespace().isEmpty()
                ? api.replaceClusterCustomObjectStatus(gv[0], gv[1], plural, key.name(), body)
                        .buildCall(null)
                : api.replaceNamespacedCustomObjectStatus(gv[0], gv[1], key.namespace(), plural, key.name(), body)
                        .buildCall(null);
    }

    /** Runs a call and returns the JSON as sent (not through Gson's Object mapping, which turns integers into doubles). */
    private JsonElement execute(Call call) throws ApiException {
        return client.<JsonElement>execute(call, JsonElement.class).getData();
    }

    static String plural(String kind) {
        return switch (kind) {
            case "GatewayClass" -> "gatewayclasses";
            case "Gateway" -> "gateways";
            case "HTTPRoute" -> "httproutes";
            case "InferencePool" -> "inferencepools";
            case "InferenceModelRewrite" -> "inferencemodelrewrites";
            case "AuthPolicy" -> "authpolicies";
            case "RateLimitPolicy" -> "ratelimitpolicies";
            case "BackendTLSPolicy" -> "backendtlspolicies";
            case "ExternalProvider" -> "externalproviders";
            default -> throw new IllegalArgumentException("no status is written for kind " + kind);
        };
    }

    private static String brief(ApiException e) {
        String body = e.getResponseBody();
        if (body == null || body.isBlank()) {
            return e.getMessage() == null ? "" : e.getMessage();
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** The kinds whose status is written. */
    public static List<String> kinds() {
        return List.of(
                "GatewayClass",
                "Gateway",
                "HTTPRoute",
                "InferencePool",
                "InferenceModelRewrite",
                "AuthPolicy",
                "RateLimitPolicy",
                "BackendTLSPolicy",
                "ExternalProvider");
    }
}
