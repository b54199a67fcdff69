package io.infergate.simulator.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted request holding a running slot until closed. Closing is idempotent and frees the
 * slot for the next waiter, so callers use try-with-resources and a client that disconnects
 * mid-stream cannot leak capacity.
 */
public final class Sequence implements AutoCloseable {

    private final Scheduler scheduler;
    private final ServedModel model;
    private final int promptTokens;
    private final AtomicInteger generated = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    Sequence(Scheduler scheduler, ServedModel model, int promptTokens) {
        this.scheduler = scheduler;
        this.model = model;
        this.promptTokens = promptTokens;
    }

    public ServedModel model() {
        return model;
    }

    /** Counts generated tokens so the KV-cache gauge grows while decoding. */
    public void addGenerated(int tokens) {
        generated.addAndGet(tokens);
    }

    /** KV-cache blocks this sequence holds: whole blocks, as vLLM's paged allocator hands them out. */
    long blocks(int blockSize) {
        long tokens = (long) promptTokens + generated.get();
        return (tokens + blockSize - 1) / blockSize;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.release(this);
        }
    }
}
