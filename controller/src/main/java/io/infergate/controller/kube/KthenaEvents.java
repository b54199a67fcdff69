package io.infergate.controller.kube;

import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ConditionStatus;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Reports the conditions of objects whose CRDs keep no status (Kthena's ModelServer and ModelRoute,
 * {@link ObjectStatus.EventStatus}) as core/v1 Events on them: one Event per condition whenever
 * its status, reason, message or generation differs from what this process reported last (Normal
 * for True, Warning for False), so {@code kubectl describe modelroute} shows why a route is or is
 * not served. A controller process that starts reports each object once again.
 */
final class KthenaEvents {

    private static final Logger LOG = Logger.getLogger(KthenaEvents.class.getName());
    private static final int MAX_MESSAGE = 1024;

    private final CoreV1Api core;
    private final String controllerName;
    private final Clock clock;
    private final Map<String, Condition> reported = new ConcurrentHashMap<>();

    KthenaEvents(ApiClient client, String controllerName, Clock clock) {
        this.core = new CoreV1Api(client);
        this.controllerName = controllerName;
        this.clock = clock;
    }

    /**
     * Emits the Events the object's changed conditions call for.
     *
     * @param uid the object's uid when known (from the informer cache)
     * @return false when an Event could not be written (tried again on the next pass)
     */
    boolean report(ObjectKey key, ObjectStatus.EventStatus status, Optional<String> uid) {
        boolean ok = true;
        for (Condition c : status.conditions()) {
            String slot = key + "|" + c.type();
            Condition last = reported.get(slot);
            if (last != null && same(last, c)) {
                continue;
            }
            try {
                core.createNamespacedEvent(key.namespace(), event(key, c, uid)).execute();
                reported.put(slot, c);
            } catch (ApiException e) {
                ok = false;
                LOG.warning(() -> "reporting " + c.type() + " of " + key + " as an Event failed: HTTP " + e.getCode());
            }
        }
        return ok;
    }

    /**
     * Forgets what was reported for objects no longer planned (deleted, or their CRD removed), so
     * the memory of reports stays bounded by the objects that exist; one that comes back is
     * reported again.
     */
    void retain(java.util.Set<ObjectKey> planned) {
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        planned.forEach(k -> prefixes.add(k + "|"));
        reported.keySet().removeIf(slot -> !prefixes.contains(slot.substring(0, slot.lastIndexOf('|') + 1)));
    }

    private static boolean same(Condition a, Condition b) {
        return a.status() == b.status()
                && a.reason().equals(b.reason())
                && a.message().equals(b.message())
                && a.observedGeneration() == b.observedGeneration();
    }

    private CoreV1Event event(ObjectKey key, Condition c, Optional<String> uid) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        String text = c.type() + "=" + (c.status() == ConditionStatus.TRUE ? "True" : "False") + ": " + c.message();
        return new CoreV1Event()
                .metadata(new V1ObjectMeta().generateName(key.name() + ".").namespace(key.namespace()))
                .involvedObject(new V1ObjectReference()
                        .apiVersion(key.apiVersion())
                        .kind(key.kind())
                        .namespace(key.namespace())
                        .name(key.name())
                        .uid(uid.orElse(null)))
                .type(c.status() == ConditionStatus.TRUE ? "Normal" : "Warning")
                .reason(c.reason())
                .message(text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text)
                .source(new V1EventSource().component("infergate-controller"))
                .reportingComponent(controllerName)
                .firstTimestamp(now)
                .lastTimestamp(now)
                .count(1);
    }

    /** The uid in an object tree, if any. */
    static Optional<String> uid(Map<String, Object> object) {
        return object.get("metadata") instanceof Map<?, ?> m && m.get("uid") instanceof String s
                ? Optional.of(s)
                : Optional.empty();
    }
}
