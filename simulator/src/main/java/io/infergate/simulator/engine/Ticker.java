package io.infergate.simulator.engine;

/**
 * The engine's notion of time: a monotonic clock and a way to spend simulated GPU time. The pod uses
 * {@link #SYSTEM}; tests substitute a virtual clock so the cost model can be checked exactly,
 * independent of how busy the machine is.
 */
public interface Ticker {

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Blocks the calling thread for {@code nanos} (nothing if {@code nanos <= 0}). */
    void sleepNanos(long nanos) throws InterruptedException;

    /** Real time: {@link System#nanoTime()} and {@link Thread#sleep}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(java.time.Duration.ofNanos(nanos));
            }
        }
    };
}
