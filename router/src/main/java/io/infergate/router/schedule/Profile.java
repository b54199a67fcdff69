package io.infergate.router.schedule;

import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.endpoint.Target;

import java.util.List;

/**
 * A scheduling profile: chooses one endpoint among candidates that all have room under the
 * per-endpoint concurrency bound (the scheduler filters them first). This is the picker end of
 * the filter, weighted scorers, picker pipeline that later profiles assemble from plugins; the
 * profiles of this issue are whole strategies.
 */
public interface Profile {

    /**
     * Chooses one of the candidates.
     *
     * @param candidates never empty; in snapshot order
     * @param context    the request
     * @return one of {@code candidates}
     */
    Target choose(List<Target> candidates, PickContext context);
}
