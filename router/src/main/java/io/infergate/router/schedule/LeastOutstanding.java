package io.infergate.router.schedule;

import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.endpoint.Target;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * InferencePool backends (native picking, no metrics yet): the endpoint with the fewest requests
 * in flight from this router; ties are broken uniformly at random so equal endpoints share load
 * instead of the first one taking every burst.
 */
public final class LeastOutstanding implements Profile {

    private final RandomGenerator random;

    /** @param random the tie-break source (seeded in tests) */
    public LeastOutstanding(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public Target choose(List<Target> candidates, PickContext context) {
        Target best = null;
        int bestLoad = Integer.MAX_VALUE;
        int ties = 0;
        for (Target t : candidates) {
            int load = t.state().outstanding();
            if (load < bestLoad) {
                best = t;
                bestLoad = load;
                ties = 1;
            } else if (load == bestLoad && random.nextInt(++ties) == 0) {
                best = t; // reservoir sampling: each of the k tied endpoints wins with 1/k
            }
        }
        return best;
    }
}
