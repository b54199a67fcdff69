package io.infergate.simulator.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one request through the simulated model: admission, then prefill (or, for the decode half
 * of a disaggregated request, the KV transfer), then one decode step per output token, timed by
 * {@link Timing}. It blocks the calling (virtual) thread on purpose: sleeping
 * is how the simulated GPU spends time.
 */
public final class Engine {

    private final BatchScheduler scheduler;
    private final TextGenerator generator;
    private final EngineListener listener;
    private final Ticker ticker;
    private final PrefillLine prefillLine = new PrefillLine();
    private final long ttftNanos;
    private final long itlNanos;
    private final long prefillPerTokenNanos;
    private final long itlPerSequenceNanos;
    private final long loraLoadNanos;
    private final boolean parallelPrefill;
    private final double timeFactorUnderLoad;
    private final long kvTransferNanos;
    private final long kvTransferPerTokenNanos;
    private final long prefillChunkNanos;

    /** Fixed TTFT and ITL, real time. */
    public Engine(
            BatchScheduler scheduler,
            TextGenerator generator,
            Duration timeToFirstToken,
            Duration interTokenLatency,
            EngineListener listener) {
        this(scheduler, generator, Timing.fixed(timeToFirstToken, interTokenLatency), listener, Ticker.SYSTEM);
    }

    public Engine(
            BatchScheduler scheduler, TextGenerator generator, Timing timing, EngineListener listener, Ticker ticker) {
        this.scheduler = scheduler;
        this.generator = generator;
        this.listener = listener;
        this.ticker = ticker;
        this.ttftNanos = timing.timeToFirstToken().toNanos();
        this.itlNanos = timing.interTokenLatency().toNanos();
        this.prefillPerTokenNanos = timing.prefillTimePerToken().toNanos();
        this.itlPerSequenceNanos = timing.interTokenLatencyPerSequence().toNanos();
        this.loraLoadNanos = timing.loraLoadTime().toNanos();
        this.parallelPrefill = timing.parallelPrefill();
        this.timeFactorUnderLoad = timing.timeFactorUnderLoad();
        this.kvTransferNanos = timing.kvTransferLatency().toNanos();
        this.kvTransferPerTokenNanos = timing.kvTransferTimePerToken().toNanos();
        this.prefillChunkNanos = timing.prefillStallsDecode() && !timing.parallelPrefill()
                ? Timing.PREFILL_CHUNK_TOKENS * prefillPerTokenNanos
                : 0;
    }

    /**
     * Generates {@code plan.outputTokens()} tokens per prompt into {@code sink}.
     *
     * @throws QueueFullException   if no running slot is free and the waiting queue is full
     * @throws InterruptedException if the server shuts down mid-request
     * @throws IOException          if the sink fails (client gone); the request is not counted as served
     */
    public void run(GenerationPlan plan, TokenSink sink) throws QueueFullException, InterruptedException, IOException {
        long arrival = ticker.nanoTime();
        // Hashing happens before taking the scheduler's lock, and only when there is a cache to ask.
        PromptBlocks blocks = scheduler.prefixCaching()
                ? PromptBlocks.hash(plan.model().id(), scheduler.blockSize(), plan.cacheTexts())
                : null;
        Sequence sequence = scheduler
                .admit(plan.model(), plan.promptTokens(), blocks)
                .orElseThrow(() -> new QueueFullException(scheduler.maxWaiting()));
        try (sequence) {
            int cached = sequence.cachedTokens();
            if (blocks != null) {
                listener.prefixCacheQueried(blocks.totalTokens(), cached);
            }
            sink.admitted(cached);
            List<TextGenerator.Stream> streams = new ArrayList<>(plan.prompts().size());
            plan.prompts().forEach(p -> streams.add(generator.stream(p)));
            ticker.sleepNanos(
                    plan.remotePrefill()
                            ? kvTransferNanos + kvTransferPerTokenNanos * plan.promptTokens()
                            : parallelPrefill
                                    ? parallelPrefill(sequence, plan.promptTokens() - cached)
                                    : prefill(sequence, plan.promptTokens() - cached) + ttftNanos);
            long previous = ticker.nanoTime();
            listener.firstToken(Duration.ofNanos(previous - arrival), plan.promptTokens());
            for (int step = 0; step < plan.outputTokens(); step++) {
                if (step > 0) {
                    ticker.sleepNanos(itlNanos + itlPerSequenceNanos * scheduler.runningCount() + prefillStall());
                    long now = ticker.nanoTime();
                    listener.nextToken(Duration.ofNanos(now - previous));
                    previous = now;
                }
                List<String> pieces = new ArrayList<>(streams.size());
                streams.forEach(s -> pieces.add(s.next()));
                sequence.addGenerated(pieces.size());
                listener.generated(pieces.size());
                sink.accept(step, pieces, step == plan.outputTokens() - 1);
            }
        }
        listener.finished(plan.finishReason());
    }

    /**
     * With {@link Timing#prefillStallsDecode()}: the prefill work on this pod's line that the next
     * decode step shares its forward pass with, at most one chunk; 0 otherwise or when the line is idle.
     */
    private long prefillStall() {
        return prefillChunkNanos == 0 ? 0 : Math.min(prefillChunkNanos, prefillLine.backlog(ticker.nanoTime()));
    }

    /**
     * Parallel mode: the request prefills in its own slot at once, {@code (timeToFirstToken + work)
     * × f} with {@code f = 1 + (timeFactorUnderLoad − 1) × (running − 1) / (maxRunning − 1)} read
     * at admission (llm-d-inference-sim's load factor; 1 with a one-slot pod).
     */
    private long parallelPrefill(Sequence sequence, int uncachedTokens) {
        long work = Math.max(0, uncachedTokens) * prefillPerTokenNanos + (sequence.loadedAdapter() ? loraLoadNanos : 0);
        return Math.round((ttftNanos + work) * loadFactor(scheduler.runningCount(), scheduler.maxRunning()));
    }

    /** {@code 1 + (factor − 1) × (running − 1) / (maxRunning − 1)}, clamped to [1, factor]. */
    static double loadFactor(double factor, int running, int maxRunning) {
        if (maxRunning <= 1) {
            return 1;
        }
        double share = Math.max(0, Math.min(1, (running - 1) / (double) (maxRunning - 1)));
        return 1 + (factor - 1) * share;
    }

    private double loadFactor(int running, int maxRunning) {
        return loadFactor(timeFactorUnderLoad, running, maxRunning);
    }

    /**
     * Reserves this request's prefill work (an adapter load and its uncached tokens) on the pod's
     * prefill line.
     *
     * @return nanoseconds from now until that work is done (0 when there is none)
     */
    private long prefill(Sequence sequence, int uncachedTokens) {
        long work = Math.max(0, uncachedTokens) * prefillPerTokenNanos + (sequence.loadedAdapter() ? loraLoadNanos : 0);
        if (work == 0) {
            return 0;
        }
        long now = ticker.nanoTime();
        long start = prefillLine.reserve(now, work);
        sequence.prefillStartsAt(start);
        return start + work - now;
    }
}
