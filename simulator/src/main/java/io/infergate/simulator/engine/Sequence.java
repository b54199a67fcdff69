package io.infergate.simulator.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted request holding a running slot until closed. Closing is idempotent and frees the
 * slot (and its KV blocks) for the next waiter, so callers use try-with-resources and a client that
 * disconnects mid-stream cannot leak capacity.
 */
public final class Sequence implements AutoCloseable {

    private final BatchScheduler scheduler;
    private final ServedModel model;
    private final int promptTokens;
    /** The prompts' blocks when the scheduler runs a prefix cache; null otherwise. */
    private final PromptBlocks prompts;

    private final AtomicInteger generated = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Set by the scheduler under its lock when the sequence starts; read after admission returns.
    KvCache.Allocation allocation;
    boolean loadedAdapter;
    /** Blocks this sequence holds in the prefix-cache KV model; only the engine thread grows it. */
    private long heldBlocks;

    private volatile long prefillStart;
    private volatile boolean prefillScheduled;

    Sequence(BatchScheduler scheduler, ServedModel model, int promptTokens, PromptBlocks prompts) {
        this.scheduler = scheduler;
        this.model = model;
        this.promptTokens = promptTokens;
        this.prompts = prompts;
    }

    public ServedModel model() {
        return model;
    }

    /** Prompt tokens served from the prefix cache (leading full blocks that were cached at admission). */
    public int cachedTokens() {
        return allocation == null ? 0 : allocation.hitTokens;
    }

    /** True if admitting this sequence loaded its LoRA adapter (it was not resident). */
    public boolean loadedAdapter() {
        return loadedAdapter;
    }

    /**
     * Counts generated tokens (one per choice per step) so the KV-cache gauge grows while decoding;
     * with a prefix cache a sequence takes a new block each time a choice fills one.
     */
    public void addGenerated(int tokens) {
        int total = generated.addAndGet(tokens);
        if (prompts == null || allocation == null) {
            return;
        }
        int perChoice = total / prompts.prompts();
        long needed = 0;
        for (int p = 0; p < prompts.prompts(); p++) {
            needed += ((long) prompts.tokens(p) + perChoice + prompts.blockSize() - 1) / prompts.blockSize();
        }
        if (needed > heldBlocks) {
            scheduler.grow(this, (int) (needed - heldBlocks));
            heldBlocks = needed;
        }
    }

    /** Records that this sequence's prefill waits in the pod's prefill line until {@code startNanos}. */
    void prefillStartsAt(long startNanos) {
        prefillStart = startNanos;
        prefillScheduled = true;
    }

    /**
     * Whether, at {@code now}, the sequence is still queued behind other prefills: vLLM has not yet
     * scheduled such a request, so the metrics count it as waiting, not running.
     */
    boolean waitingForPrefill(long now) {
        return prefillScheduled && prefillStart - now > 0;
    }

    PromptBlocks prompts() {
        return prompts;
    }

    void allocated(KvCache.Allocation allocation) {
        this.allocation = allocation;
        long blocks = 0;
        for (int p = 0; p < prompts.prompts(); p++) {
            blocks += prompts.blocks(p);
        }
        heldBlocks = blocks;
    }

    /** KV-cache blocks this sequence holds without a prefix cache: whole blocks, as vLLM's paged allocator hands them out. */
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
