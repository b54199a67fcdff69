package io.infergate.simulator.engine;

import java.time.Duration;

/** Observes the engine for metrics. Called on request threads, so implementations must be thread-safe. */
public interface EngineListener {

    /** Prefill done: the first token is out, {@code sinceArrival} including any time spent waiting. */
    void firstToken(Duration sinceArrival, int promptTokens);

    /** One decode step after the first; {@code sincePrevious} is the observed inter-token latency. */
    void nextToken(Duration sincePrevious);

    /** Tokens generated in one step (one per choice). */
    void generated(int tokens);

    /** The request completed and its last token was delivered. */
    void finished(FinishReason reason);

    /** A prefix-cache lookup at admission: {@code queriedTokens} prompt tokens, {@code hitTokens} of them cached. */
    default void prefixCacheQueried(int queriedTokens, int hitTokens) {}
}
