package io.infergate.simulator.engine;

import java.io.IOException;
import java.util.List;

/** Receives generated tokens as they are produced (a streaming response writes and flushes each step). */
@FunctionalInterface
public interface TokenSink {

    /**
     * One decode step.
     *
     * @param step   0-based token position
     * @param pieces the token text of each choice, in choice order
     * @param last   true on the final step; the finish reason belongs to this step
     * @throws IOException when the client is gone; generation stops and the slot is freed
     */
    void accept(int step, List<String> pieces, boolean last) throws IOException;

    /**
     * The request was admitted, before its prefill; no token has been produced yet.
     *
     * @param cachedTokens prompt tokens served from the prefix cache
     */
    default void admitted(int cachedTokens) {}
}
