package io.infergate.router.backendtls;

import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Snapshot;

import java.util.HashMap;
import java.util.Map;

/**
 * The client TLS of every backend of the current snapshot, kept from one snapshot to the next
 * while a policy's content stays the same (so pooled connections stay usable), and dropped with
 * the snapshot that no longer has it (so the cache never outgrows one snapshot).
 */
public final class UpstreamTlsCache {

    private Map<BackendTls, UpstreamTls> built = Map.of();

    /** Backend id → its TLS, for {@code snapshot}; called by the one thread that applies snapshots. */
    public synchronized Map<String, UpstreamTls> compile(Snapshot snapshot) {
        Map<BackendTls, UpstreamTls> next = new HashMap<>();
        Map<String, UpstreamTls> byBackend = new HashMap<>();
        for (BackendTls policy : snapshot.backendTls()) {
            UpstreamTls tls = next.computeIfAbsent(policy, p -> {
                UpstreamTls kept = built.get(p);
                return kept != null ? kept : UpstreamTls.of(p);
            });
            byBackend.put(policy.backend(), tls);
        }
        built = Map.copyOf(next);
        return Map.copyOf(byBackend);
    }
}
