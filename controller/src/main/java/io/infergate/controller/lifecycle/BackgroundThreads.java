package io.infergate.controller.lifecycle;

import java.time.Duration;

/**
 * Stops background threads: all are interrupted first, then each is waited for up to
 * {@link #GRACE}, so close() returns even if a thread is stuck in a call that ignores interrupts.
 * An interrupt of the closing thread itself ends the waiting and is kept for its caller.
 */
public final class BackgroundThreads {

    /** The longest wait for one thread. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private BackgroundThreads() {}

    /** Interrupts every thread, then joins each; nulls (never started) are skipped. */
    public static void stop(Thread... threads) {
        for (Thread t : threads) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            if (t == null) {
                continue;
            }
            try {
                t.join(GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
