package io.infergate.router.proxy;

import io.infergate.common.snapshot.BackendRef;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted choice among a rule's backendRefs: each ref gets its weight's share of requests, a ref
 * of weight 0 never gets any.
 */
final class BackendChoice {

    /** The outcome of choosing. */
    sealed interface Result {
        /** This ref serves the request (its backend may still be unresolved). */
        record Chosen(BackendRef ref) implements Result {}

        /** The rule has no backendRefs at all. */
        record NoBackendRefs() implements Result {}

        /** Every backendRef has weight 0. */
        record AllZeroWeight() implements Result {}
    }

    private BackendChoice() {}

    static Result choose(List<BackendRef> refs, RandomGenerator random) {
        if (refs.isEmpty()) {
            return new Result.NoBackendRefs();
        }
        if (refs.size() == 1) {
            return refs.getFirst().weight() > 0 ? new Result.Chosen(refs.getFirst()) : new Result.AllZeroWeight();
        }
        long total = 0;
        for (BackendRef r : refs) {
            total += r.weight();
        }
        if (total == 0) {
            return new Result.AllZeroWeight();
        }
        long x = random.nextLong(total);
        for (BackendRef r : refs) {
            x -= r.weight();
            if (x < 0) {
                return new Result.Chosen(r);
            }
        }
        throw new IllegalStateException("unreachable: weights sum to " + total);
    }
}
