package io.infergate.router.schedule;

import io.infergate.router.schedule.endpoint.Lease;

import java.time.Duration;

/** The scheduler's decision for one request. */
public sealed interface Pick {

    /**
     * An endpoint was chosen and counted; close the lease when the exchange ends.
     *
     * @param queuedNanos how long the request waited in the pool's admission queue first (0 when
     *                    admitted at once); -1 when it passed no admission (not a pool, or none
     *                    configured)
     */
    record Picked(Lease lease, long queuedNanos) implements Pick {
        /** Picked without admission. */
        public Picked(Lease lease) {
            this(lease, -1);
        }
    }

    /** The backend has no endpoints: 503. */
    record NoEndpoints() implements Pick {}

    /** Every endpoint is at the per-endpoint concurrency bound: 503. */
    record Saturated(int limit) implements Pick {}

    /** The pool is saturated and the request is sheddable (priority &lt; 0): 429 with Retry-After. */
    record Shed(Duration retryAfter) implements Pick {}

    /** The request waited the whole queue timeout for a saturated pool: 503. */
    record QueueTimeout(Duration waited) implements Pick {}

    /** The pool's queue is full: 503. */
    record QueueFull(int length) implements Pick {}
}
