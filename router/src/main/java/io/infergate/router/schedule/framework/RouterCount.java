package io.infergate.router.schedule.framework;

/**
 * How many routers share the pools' traffic: the served snapshot's {@code routers}, which the
 * controller sets to the number of routers it pushes to (1 when the field is absent, e.g. a
 * router run standalone with a hand-written snapshot). One instance per router process: the
 * snapshot store sets it on every swap, plugins read it per pick (one volatile read).
 *
 * <p>Why plugins care: routers that share a pool must agree on where a new prompt prefix goes,
 * a router alone can simply remember where it put it (docs/adr/0005-prefix-affinity.md).
 */
public final class RouterCount {

    private volatile int value;

    /** One router until a snapshot says otherwise. */
    public RouterCount() {
        this(1);
    }

    public RouterCount(int initial) {
        set(initial);
    }

    /** The current count, at least 1. */
    public int get() {
        return value;
    }

    /** Values below 1 count as 1. */
    public void set(int count) {
        value = Math.max(1, count);
    }
}
