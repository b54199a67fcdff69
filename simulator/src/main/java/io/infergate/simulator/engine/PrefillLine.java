package io.infergate.simulator.engine;

/**
 * The pod's prefill engine: prefill work (uncached prompt tokens, adapter loads) runs one request
 * at a time, in reservation order, as one GPU runs one forward pass at a time. A request reserves
 * its work and learns when it starts; a pod handed many long uncached prompts therefore builds a
 * backlog that every later request waits behind. Decode is not slowed by it unless the pod models
 * prefill–decode interference ({@link Timing#prefillStallsDecode()}: in vLLM prefill chunks and
 * decodes share steps).
 *
 * <p>Times are {@link Ticker#nanoTime()} values, compared by subtraction so they may wrap.
 */
final class PrefillLine {

    private long freeAt;
    private boolean started;

    /**
     * Reserves {@code work} nanoseconds of prefill.
     *
     * @return when the work starts: {@code now}, or when the work reserved before it ends
     */
    synchronized long reserve(long now, long work) {
        long start = !started || freeAt - now < 0 ? now : freeAt;
        started = true;
        freeAt = start + work;
        return start;
    }

    /** Nanoseconds of reserved work still ahead of a request arriving at {@code now}. */
    synchronized long backlog(long now) {
        return started ? Math.max(0, freeAt - now) : 0;
    }
}
