package io.infergate.router.backendtls;

import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client TLS of every backend of the current snapshot, kept from one snapshot to the next
 * while a policy's content stays the same (so pooled connections stay usable), and dropped with
 * the snapshot that no longer has it (so the cache never outgrows one snapshot).
 */
public final class UpstreamTlsCache {

    private Map<BackendTls, UpstreamTls> built = Map.of();

    /** Backend id → its TLS, for {@code snapshot}; called by the one thread that applies snapshots. */
    public Map<String, UpstreamTls> compile(Snapshot snapshot) {
        return compile(snapshot.backendTls());
    }

    /** Backend id → its TLS, for these entries (a snapshot's, with external providers' added). */
    public synchronized Map<String, UpstreamTls> compile(List<BackendTls> entries) {
        Map<BackendTls, UpstreamTls> next = new HashMap<>();
        Map<String, UpstreamTls> byBackend = new HashMap<>();
        for (BackendTls policy : entries) {
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
