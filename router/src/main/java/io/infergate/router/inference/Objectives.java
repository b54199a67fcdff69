package io.infergate.router.inference;

import io.infergate.common.snapshot.Objective;

import java.util.List;
import java.util.Optional;

/** The InferenceObjective a request names, as a priority (the router's path and the picker's). */
public final class Objectives {

    private Objectives() {}

    /**
     * The priority of the InferenceObjective that {@code x-gateway-inference-objective} names for
     * this pool; 0 when the header is absent or names no objective of the pool.
     */
    public static int priority(Optional<String> objective, List<Objective> objectives, String poolId) {
        if (objective.isEmpty()) {
            return 0;
        }
        for (Objective o : objectives) {
            if (o.name().equals(objective.get()) && o.pool().equals(poolId)) {
                return o.priority();
            }
        }
        return 0;
    }
}
