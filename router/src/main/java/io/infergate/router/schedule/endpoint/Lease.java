package io.infergate.router.schedule.endpoint;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One counted request on one endpoint. Closing it (exactly once, whatever happens to the
 * exchange: success, upstream error, client disconnect) gives the slot back and tells the pool's
 * queue that capacity freed.
 */
public final class Lease implements AutoCloseable {

    private final Target target;
    private final Runnable onClose;
    private final AtomicBoolean open = new AtomicBoolean(true);

    public Lease(Target target, Runnable onClose) {
        this.target = target;
        this.onClose = onClose;
    }

    /** The endpoint this lease counts against. */
    public Target target() {
        return target;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            target.state().release();
            onClose.run();
        }
    }
}
