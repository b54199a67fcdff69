package io.infergate.simulator.engine;

import java.util.List;

/**
 * A consistent snapshot of the scheduler, taken under its lock, for the metrics endpoint.
 *
 * @param running         sequences holding a running slot whose prefill has started
 * @param waiting         requests queued for a running slot or KV blocks, plus admitted sequences whose
 *                        prefill still waits behind others (vLLM has not scheduled them yet)
 * @param usedBlocks      KV-cache blocks held by running sequences (may exceed the total)
 * @param totalBlocks     configured KV-cache blocks
 * @param runningAdapters distinct LoRA adapters of running sequences (as counted in {@code running}), sorted
 * @param waitingAdapters distinct LoRA adapters of waiting requests (as counted in {@code waiting}), sorted
 */
public record Load(
        int running,
        int waiting,
        long usedBlocks,
        int totalBlocks,
        List<String> runningAdapters,
        List<String> waitingAdapters) {

    public Load {
        runningAdapters = List.copyOf(runningAdapters);
        waitingAdapters = List.copyOf(waitingAdapters);
    }

    /** KV-cache usage in [0, 1]: used blocks over total, capped at 1 (vLLM's gauge never exceeds 1). */
    public double kvCacheUsage() {
        return Math.min(1.0, (double) usedBlocks / totalBlocks);
    }
}
