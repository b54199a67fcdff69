package io.infergate.router.ratelimit;

import java.util.List;

/**
 * Where counts live: Redis for global limits ({@link RedisLedger}), memory for local ones
 * ({@link LocalLedger}). Rule: {@link #take} is atomic over all its draws (all taken or none) and
 * costs one round trip at most.
 */
public interface Ledger {

    /**
     * Takes every draw if each window has room for it ({@code used + cost <= limit}).
     *
     * @throws Unavailable when the store cannot answer (the policy's failure mode decides)
     */
    Verdict take(List<Draw> draws) throws Unavailable;

    /**
     * Adds {@code delta} to a counter without a check. A refund ({@code delta < 0}) changes only a
     * counter that still exists (a window that ended is left alone); a charge creates the counter
     * if needed, living {@code ttlMillis}.
     */
    void adjust(String key, long delta, long ttlMillis) throws Unavailable;

    /** The outcome of {@link #take}. */
    sealed interface Verdict {
        /**
         * Taken.
         *
         * @param used each draw's window count after the take, in draw order
         */
        record Taken(List<Long> used) implements Verdict {
            public Taken {
                used = List.copyOf(used);
            }
        }

        /**
         * Nothing taken: draw {@code index} did not fit.
         *
         * @param used that window's count
         */
        record Refused(int index, long used) implements Verdict {}
    }

    /** The store did not answer in time or at all. */
    final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
