package io.infergate.simulator.engine;

/** Why generation ended, as OpenAI spells it in {@code finish_reason}. */
public enum FinishReason {
    /** The request's {@code max_tokens} cut the output. */
    LENGTH("length"),
    /** The simulated model ended on its own (after the configured default length). */
    STOP("stop");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
