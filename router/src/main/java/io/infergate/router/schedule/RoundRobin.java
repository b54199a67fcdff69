package io.infergate.router.schedule;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service backends: endpoints in turn. One instance per backend per snapshot, so the rotation
 * restarts when a snapshot changes the backend; the shared counter makes concurrent requests
 * take consecutive endpoints.
 */
public final class RoundRobin implements Strategy {

    private final AtomicLong next = new AtomicLong();

    @Override
    public Target choose(List<Target> candidates, PickContext context) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
