package io.infergate.bench.loadgen;

import java.util.Arrays;
import java.util.concurrent.Flow;

/**
 * Receives the lines of an SSE body as they arrive and stamps each content event: the first one
 * gives TTFT (from {@code startNanos}), each later one the gap since the previous. Lines are
 * delivered one at a time, in order (Flow contract); results are read after completion.
 */
final class StreamTimer implements Flow.Subscriber<String> {

    private final long startNanos;
    private final java.util.function.LongSupplier clock;
    private long first = -1;
    private long last;
    private long[] gaps;
    private int tokens;
    private volatile boolean done;
    private int promptTokens = -1;
    private int cachedTokens = -1;

    StreamTimer(long startNanos, int expectedTokens, java.util.function.LongSupplier clock) {
        this.startNanos = startNanos;
        this.clock = clock;
        this.gaps = new long[Math.max(16, expectedTokens)];
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(String line) {
        Sse.Kind kind = Sse.classify(line);
        if (kind == Sse.Kind.CONTENT) {
            long now = clock.getAsLong();
            if (first < 0) {
                first = now - startNanos;
            } else {
                if (tokens - 1 >= gaps.length) {
                    gaps = Arrays.copyOf(gaps, gaps.length * 2);
                }
                gaps[tokens - 1] = now - last;
            }
            last = now;
            tokens++;
        } else if (kind == Sse.Kind.DONE) {
            done = true;
        } else if (kind == Sse.Kind.OTHER_DATA && line.contains("\"usage\":{")) {
            promptTokens = Sse.intField(line, "prompt_tokens");
            cachedTokens = Sse.intField(line, "cached_tokens");
        }
    }

    @Override
    public void onError(Throwable throwable) {
        // the caller sees the failed future
    }

    @Override
    public void onComplete() {}

    /** Send to first content event, -1 when none arrived. */
    synchronized long ttftNanos() {
        return first;
    }

    synchronized long[] gapsNanos() {
        return Arrays.copyOf(gaps, Math.max(0, tokens - 1));
    }

    synchronized int tokens() {
        return tokens;
    }

    /** {@code usage.prompt_tokens} of the usage chunk, -1 without one. */
    synchronized int promptTokens() {
        return promptTokens;
    }

    /** {@code usage.prompt_tokens_details.cached_tokens} of the usage chunk, -1 without one. */
    synchronized int cachedTokens() {
        return cachedTokens;
    }

    /** {@code data: [DONE]} was seen. */
    boolean done() {
        return done;
    }
}
