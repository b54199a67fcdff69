package io.infergate.router.schedule.endpoint;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live state of one endpoint ({@code address:port}) in this router: the requests it is serving
 * for us right now. It outlives snapshots (kept by {@link EndpointRegistry}) so that a new
 * snapshot does not forget the load on endpoints it still contains.
 */
public final class EndpointState {

    private final String key;
    private final AtomicInteger outstanding = new AtomicInteger();

    EndpointState(String key) {
        this.key = key;
    }

    /** {@code address:port}. */
    public String key() {
        return key;
    }

    /** Requests from this router in flight on the endpoint. */
    public int outstanding() {
        return outstanding.get();
    }

    /**
     * Counts one more request unless the endpoint already has {@code limit} (a CAS loop, so two
     * requests never both take the last slot).
     *
     * @param limit the per-endpoint concurrency bound, or {@code <= 0} for none
     * @return whether the request was counted
     */
    public boolean tryAcquire(int limit) {
        while (true) {
            int now = outstanding.get();
            if (limit > 0 && now >= limit) {
                return false;
            }
            if (outstanding.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        outstanding.decrementAndGet();
    }

    @Override
    public String toString() {
        return key + "(" + outstanding.get() + ")";
    }
}
