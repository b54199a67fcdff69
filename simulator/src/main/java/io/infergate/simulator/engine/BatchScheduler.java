package io.infergate.simulator.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission into a bounded batch, modelled on vLLM's scheduler.
 *
 * <p>Rules: at most {@code maxRunning} sequences run at once; the others wait in FIFO order in a
 * queue of at most {@code maxWaiting}, and a request that finds the queue full is refused (the
 * caller answers 429). A LoRA request may only run if its adapter is already running or fewer
 * than {@code maxLoras} distinct adapters are running; a waiter blocked by that rule is skipped, so
 * later requests that fit may start ahead of it, as vLLM does. With a prefix cache, a request also
 * needs KV blocks for its whole prompt (cached leading blocks are shared); one that does not fit
 * waits, and so does everyone queued behind it (vLLM stops scheduling at the first request whose
 * blocks cannot be allocated). A prompt larger than the whole cache runs once nothing else does.
 * Without adapters the order is strictly FIFO. Invariant after every change: no waiter could run.
 *
 * <p>One lock guards the state; it is never held while sleeping or doing I/O.
 */
public final class BatchScheduler {

    private final int maxRunning;
    private final int maxWaiting;
    private final int maxLoras;
    private final int blockSize;
    private final int kvCacheBlocks;
    /** The prefix-caching KV model, or null for the plain per-sequence block count. */
    private final KvCache kvCache;

    private final Ticker ticker;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Set<Sequence> running = new LinkedHashSet<>();
    private final Map<String, Integer> runningAdapters = new HashMap<>();
    private final LoraSlots loraSlots;
    /** Whether a waiter lacks KV blocks: it stops the queue, so newcomers line up behind it. */
    private boolean blockedOnKv;

    private volatile int runningCount;

    /** A scheduler without a prefix cache: KV usage is reported but never blocks admission. */
    public BatchScheduler(int maxRunning, int maxWaiting, int maxLoras, int blockSize, int kvCacheBlocks) {
        this(maxRunning, maxWaiting, maxLoras, blockSize, kvCacheBlocks, false, Ticker.SYSTEM);
    }

    /**
     * @param prefixCaching model vLLM's block pool with automatic prefix caching (see {@link KvCache})
     * @param ticker        the clock that tells whether a sequence still waits for its prefill
     */
    public BatchScheduler(
            int maxRunning,
            int maxWaiting,
            int maxLoras,
            int blockSize,
            int kvCacheBlocks,
            boolean prefixCaching,
            Ticker ticker) {
        if (maxRunning < 1 || maxWaiting < 0 || maxLoras < 1 || blockSize < 1 || kvCacheBlocks < 1) {
            throw new IllegalArgumentException("scheduler limits out of range");
        }
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.maxLoras = maxLoras;
        this.blockSize = blockSize;
        this.kvCacheBlocks = kvCacheBlocks;
        this.kvCache = prefixCaching ? new KvCache(kvCacheBlocks) : null;
        this.ticker = ticker;
        this.loraSlots = new LoraSlots(maxLoras);
    }

    /**
     * Takes a running slot for a single prompt of unknown content, waiting for one if needed.
     *
     * @see #admit(ServedModel, int, PromptBlocks)
     */
    public Optional<Sequence> admit(ServedModel model, int promptTokens) throws InterruptedException {
        return admit(model, promptTokens, kvCache == null ? null : PromptBlocks.unhashed(blockSize, promptTokens));
    }

    /**
     * Takes a running slot (and, with a prefix cache, the prompt's KV blocks), waiting if needed.
     *
     * @param prompts the prompts' blocks; required when {@link #prefixCaching()}, ignored otherwise
     * @return the running sequence, or empty if the waiting queue is full
     * @throws InterruptedException if interrupted while waiting; nothing is then held
     */
    public Optional<Sequence> admit(ServedModel model, int promptTokens, PromptBlocks prompts)
            throws InterruptedException {
        if (kvCache != null && prompts == null) {
            throw new IllegalArgumentException("a prefix-caching scheduler needs the prompt blocks");
        }
        Sequence sequence = new Sequence(this, model, promptTokens, kvCache == null ? null : prompts);
        lock.lock();
        try {
            Verdict verdict = verdict(sequence);
            if (verdict == Verdict.RUN && !blockedOnKv) {
                start(sequence);
                return Optional.of(sequence);
            }
            if (waiting.size() >= maxWaiting) {
                return Optional.empty();
            }
            Waiter waiter = new Waiter(sequence, lock.newCondition());
            waiting.addLast(waiter);
            if (verdict == Verdict.NO_BLOCKS) {
                blockedOnKv = true;
            }
            while (!waiter.admitted) {
                try {
                    waiter.wakeUp.await();
                } catch (InterruptedException e) {
                    if (waiter.admitted) {
                        stop(sequence);
                    } else {
                        waiting.remove(waiter);
                    }
                    promote();
                    throw e;
                }
            }
            return Optional.of(sequence);
        } finally {
            lock.unlock();
        }
    }

    /** Sequences that may run at once ({@code max_num_seqs}). */
    public int maxRunning() {
        return maxRunning;
    }

    /** Requests that may wait for a slot; one more is refused. */
    public int maxWaiting() {
        return maxWaiting;
    }

    public boolean prefixCaching() {
        return kvCache != null;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Sequences holding a running slot now (a cheap volatile read for the decode-time model). */
    public int runningCount() {
        return runningCount;
    }

    /** A consistent snapshot for metrics. */
    public Load load() {
        long now = ticker.nanoTime();
        lock.lock();
        try {
            long blocks = 0;
            int prefillWaiting = 0;
            Set<String> waitingAdapters = new TreeSet<>();
            Map<String, Integer> active = new HashMap<>();
            for (Sequence s : running) {
                if (kvCache == null) {
                    blocks += s.blocks(blockSize);
                }
                if (s.waitingForPrefill(now)) {
                    prefillWaiting++;
                    if (s.model().isLora()) {
                        waitingAdapters.add(s.model().id());
                    }
                } else if (s.model().isLora()) {
                    active.merge(s.model().id(), 1, Integer::sum);
                }
            }
            if (kvCache != null) {
                blocks = kvCache.used();
            }
            for (Waiter w : waiting) {
                if (w.sequence.model().isLora()) {
                    waitingAdapters.add(w.sequence.model().id());
                }
            }
            return new Load(
                    running.size() - prefillWaiting,
                    waiting.size() + prefillWaiting,
                    blocks,
                    kvCacheBlocks,
                    List.copyOf(new TreeSet<>(active.keySet())),
                    List.copyOf(waitingAdapters));
        } finally {
            lock.unlock();
        }
    }

    /** Adapters resident on the simulated GPU, least recently used first. */
    public List<String> residentAdapters() {
        lock.lock();
        try {
            return loraSlots.resident();
        } finally {
            lock.unlock();
        }
    }

    void release(Sequence sequence) {
        lock.lock();
        try {
            stop(sequence);
            promote();
        } finally {
            lock.unlock();
        }
    }

    /** Decode filled blocks of a running sequence. */
    void grow(Sequence sequence, int blocks) {
        lock.lock();
        try {
            if (running.contains(sequence)) {
                kvCache.grow(sequence.allocation, blocks);
            }
        } finally {
            lock.unlock();
        }
    }

    private enum Verdict {
        RUN,
        NO_SLOT,
        LORA_LIMIT,
        NO_BLOCKS
    }

    private Verdict verdict(Sequence sequence) {
        if (running.size() >= maxRunning) {
            return Verdict.NO_SLOT;
        }
        ServedModel model = sequence.model();
        if (model.isLora() && !runningAdapters.containsKey(model.id()) && runningAdapters.size() >= maxLoras) {
            return Verdict.LORA_LIMIT;
        }
        if (kvCache != null && !running.isEmpty() && !kvCache.fits(kvCache.cost(sequence.prompts()))) {
            return Verdict.NO_BLOCKS;
        }
        return Verdict.RUN;
    }

    private void start(Sequence sequence) {
        running.add(sequence);
        runningCount = running.size();
        if (sequence.model().isLora()) {
            String adapter = sequence.model().id();
            runningAdapters.merge(adapter, 1, Integer::sum);
            sequence.loadedAdapter = loraSlots.use(adapter, runningAdapters::containsKey);
        }
        if (kvCache != null) {
            sequence.allocated(kvCache.allocate(sequence.prompts()));
        }
    }

    private void stop(Sequence sequence) {
        if (!running.remove(sequence)) {
            return;
        }
        runningCount = running.size();
        if (sequence.model().isLora()) {
            runningAdapters.computeIfPresent(sequence.model().id(), (k, n) -> n == 1 ? null : n - 1);
        }
        if (kvCache != null) {
            kvCache.release(sequence.allocation);
        }
    }

    /**
     * Starts waiters in queue order while they fit: a waiter blocked by the LoRA limit is skipped,
     * one that lacks KV blocks stops the scan (FCFS, as vLLM), and so does a full batch.
     */
    private void promote() {
        List<Waiter> started = new ArrayList<>();
        blockedOnKv = false;
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            Verdict verdict = verdict(w.sequence);
            if (verdict == Verdict.NO_SLOT) {
                break;
            }
            if (verdict == Verdict.NO_BLOCKS) {
                blockedOnKv = true;
                break;
            }
            if (verdict == Verdict.RUN) {
                it.remove();
                start(w.sequence);
                started.add(w);
            }
        }
        for (Waiter w : started) {
            w.admitted = true;
            w.wakeUp.signal();
        }
    }

    private static final class Waiter {
        final Sequence sequence;
        final Condition wakeUp;
        boolean admitted;

        Waiter(Sequence sequence, Condition wakeUp) {
            this.sequence = sequence;
            this.wakeUp = wakeUp;
        }
    }
}
