package io.infergate.router.schedule;

/** The scheduler's decision for one request. */
public sealed interface Pick {

    /** An endpoint was chosen and counted; close the lease when the exchange ends. */
    record Picked(Lease lease) implements Pick {
    }

    /** The backend has no endpoints: 503. */
    record NoEndpoints() implements Pick {
    }

    /** Every endpoint is at the per-endpoint concurrency bound: 503. */
    record Saturated(int limit) implements Pick {
    }
}
