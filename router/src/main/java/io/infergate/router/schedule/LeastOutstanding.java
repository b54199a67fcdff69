package io.infergate.router.schedule;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The candidate with the fewest requests this router has in flight to it; ties broken at random
 * so equal endpoints share the load. The decode phase of a disaggregated request picks so: its
 * cost is the decode batch, and the prompt's KV cache arrives by transfer, so prefix affinity
 * does not apply.
 */
public final class LeastOutstanding implements Strategy {

    @Override
    public Target choose(List<Target> candidates, PickContext context) {
        Target best = null;
        int ties = 0;
        for (Target t : candidates) {
            int load = t.state().outstanding();
            if (best == null || load < best.state().outstanding()) {
                best = t;
                ties = 1;
            } else if (load == best.state().outstanding()
                    && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = t; // reservoir sampling: each tied candidate equally likely
            }
        }
        return best;
    }
}
