package io.infergate.simulator.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The LoRA adapters resident on the simulated GPU: at most {@code maxLoras}, least recently used
 * first. Using an adapter that is not resident loads it, evicting the least recently used resident
 * adapter that no running sequence uses. (vLLM keeps {@code max_loras} adapters in GPU slots and
 * more in host memory; the simulator models only the GPU slots.)
 *
 * <p>Not thread-safe: the {@link BatchScheduler} calls it under its lock.
 */
final class LoraSlots {

    private final int maxLoras;
    private final LinkedHashSet<String> resident = new LinkedHashSet<>();

    LoraSlots(int maxLoras) {
        this.maxLoras = maxLoras;
    }

    /**
     * Marks {@code adapter} as just used.
     *
     * @param running whether an adapter is in use by a running sequence (never evicted)
     * @return true if the adapter had to be loaded
     */
    boolean use(String adapter, Predicate<String> running) {
        if (resident.remove(adapter)) {
            resident.add(adapter);
            return false;
        }
        if (resident.size() >= maxLoras) {
            // The scheduler admits a new adapter only while fewer than maxLoras run, so one is idle.
            resident.stream().filter(running.negate()).findFirst().ifPresent(resident::remove);
        }
        resident.add(adapter);
        return true;
    }

    /** Resident adapters, least recently used first. */
    List<String> resident() {
        return new ArrayList<>(resident);
    }
}
