package io.infergate.router.epp;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.endpoint.Target;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which InferencePool a request to the picker belongs to, and which of its endpoints may be picked
 * (pure). The gateway's ext_proc call names no pool, so (docs/adr/0025):
 *
 * <ol>
 *   <li>a configured pool ({@code router.picker.pool}) is the pool of every request;</li>
 *   <li>else, with a subset hint, the pool holding the most hinted endpoints (ties: the pool id);</li>
 *   <li>else the only pool that names an endpoint picker, else the only pool.</li>
 * </ol>
 *
 * With a subset hint only hinted endpoints may be picked; a hint that leaves none is answered 503,
 * as the protocol requires.
 */
final class PoolLookup {

    private PoolLookup() {}

    /** The pool and the endpoints to pick from, or why there are none. */
    sealed interface Found {
        record Pool(Backend.InferencePool pool, BackendTarget candidates) implements Found {}

        record None(String reason) implements Found {}
    }

    static Found find(Collection<BackendTarget> backends, Optional<String> configured, Optional<List<String>> subset) {
        List<BackendTarget> pools = new ArrayList<>();
        for (BackendTarget b : backends) {
            if (b.backend() instanceof Backend.InferencePool) {
                pools.add(b);
            }
        }
        pools.sort(Comparator.comparing(BackendTarget::id));
        Optional<BackendTarget> chosen;
        if (configured.isPresent()) {
            String[] nsName = configured.get().split("/", 2);
            String id = Backend.InferencePool.idOf(nsName[0], nsName[1]);
            chosen = pools.stream().filter(b -> b.id().equals(id)).findFirst();
            if (chosen.isEmpty()) {
                return new Found.None("the picker's pool " + configured.get() + " is not in the served snapshot");
            }
        } else if (subset.isPresent() && !subset.get().isEmpty()) {
            Set<String> hinted = new HashSet<>(subset.get());
            chosen = Optional.empty();
            long best = 0;
            for (BackendTarget b : pools) {
                long n = b.endpoints().stream()
                        .filter(t -> hinted.contains(t.key()))
                        .count();
                if (n > best) {
                    best = n;
                    chosen = Optional.of(b);
                }
            }
            if (chosen.isEmpty()) {
                return new Found.None("no endpoint of the subset hint " + subset.get() + " belongs to a pool");
            }
        } else {
            List<BackendTarget> withPicker = pools.stream()
                    .filter(b -> ((Backend.InferencePool) b.backend())
                            .endpointPicker()
                            .isPresent())
                    .toList();
            List<BackendTarget> among = withPicker.isEmpty() ? pools : withPicker;
            if (among.size() != 1) {
                return new Found.None(
                        among.isEmpty()
                                ? "no InferencePool is served"
                                : among.size() + " pools could be meant; set router.picker.pool or send a subset hint");
            }
            chosen = Optional.of(among.getFirst());
        }
        BackendTarget pool = chosen.get();
        BackendTarget candidates = pool;
        if (subset.isPresent()) {
            Set<String> hinted = new HashSet<>(subset.get());
            List<Target> kept = pool.endpoints().stream()
                    .filter(t -> hinted.contains(t.key()))
                    .toList();
            if (kept.isEmpty()) {
                return new Found.None("no endpoint of the subset hint " + subset.get() + " is in pool " + pool.id());
            }
            candidates = new BackendTarget(pool.backend(), kept, pool.strategy());
        }
        return new Found.Pool((Backend.InferencePool) pool.backend(), candidates);
    }
}
