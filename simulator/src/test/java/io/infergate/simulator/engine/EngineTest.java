package io.infergate.simulator.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cost model, checked exactly on virtual time: every sleep of the engine advances a fake clock,
 * so the observed TTFT and ITL are the model's figures, whatever the machine's load.
 */
class EngineTest {

    private static final ServedModel BASE = ServedModel.base("m");
    private static final ServedModel ADAPTER = ServedModel.lora("sql", "m");
    /** 40 tokens: 10 blocks of 4, of which 9 can be hits (the last token is always computed). */
    private static final String PROMPT = "w ".repeat(40).trim();

    private final FakeTicker ticker = new FakeTicker();
    private final Recorder recorder = new Recorder();

    @Test
    void aRepeatedPromptPaysPrefillOnlyForItsUncachedTokens() throws Exception {
        Engine engine = engine(true, timing(10, 1_000, 0, 0, 0));

        int firstCached = run(engine, BASE, PROMPT, 1);
        int secondCached = run(engine, BASE, PROMPT, 1);

        assertEquals(0, firstCached);
        assertEquals(36, secondCached);
        assertEquals(List.of(ms(10 + 40), ms(10 + 4)), recorder.ttft, "ttft + uncached tokens × 1 ms");
        assertEquals(List.of(40L, 0L, 40L, 36L), recorder.prefix, "queried, hit tokens per request");
    }

    @Test
    void withoutThePrefixCacheEveryRequestPaysTheWholePrompt() throws Exception {
        Engine engine = engine(false, timing(10, 1_000, 0, 0, 0));

        assertEquals(0, run(engine, BASE, PROMPT, 1));
        assertEquals(0, run(engine, BASE, PROMPT, 1));

        assertEquals(List.of(ms(50), ms(50)), recorder.ttft);
        assertEquals(List.of(), recorder.prefix, "no cache, no cache metrics");
    }

    @Test
    void anAdapterLoadIsPaidOnceThenItStaysResident() throws Exception {
        Engine engine = engine(true, timing(10, 0, 0, 0, 100));

        run(engine, ADAPTER, "a", 1);
        run(engine, ADAPTER, "b", 1);
        run(engine, BASE, "c", 1);

        assertEquals(List.of(ms(110), ms(10), ms(10)), recorder.ttft);
    }

    @Test
    void interTokenLatencyGrowsWithRunningSequences() throws Exception {
        Engine engine = engine(true, timing(0, 0, 5, 2, 0));

        run(engine, BASE, "x", 3);

        assertEquals(List.of(ms(5 + 2), ms(5 + 2)), recorder.itl, "base + per sequence × 1 running");
    }

    @Test
    void zeroCostsSleepNotAtAll() throws Exception {
        Engine engine = engine(true, timing(0, 0, 0, 0, 0));
        long before = ticker.nanoTime();

        run(engine, ADAPTER, PROMPT, 4);

        assertEquals(before, ticker.nanoTime());
    }

    @Test
    void parallelPrefillPaysOverheadPlusUncachedTokensAtOnce() throws Exception {
        Timing t = timing(10, 1_000, 0, 0, 0);
        Engine engine = engine(
                true,
                new Timing(
                        t.timeToFirstToken(),
                        t.interTokenLatency(),
                        t.prefillTimePerToken(),
                        t.interTokenLatencyPerSequence(),
                        t.loraLoadTime(),
                        true,
                        3));

        run(engine, BASE, PROMPT, 1);
        run(engine, BASE, PROMPT, 1);

        // one running sequence (itself): factor 1; (10 ms + 40 uncached × 1 ms), then (10 + 4)
        assertEquals(List.of(ms(10 + 40), ms(10 + 4)), recorder.ttft);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "alone in an 8-slot batch: 1,           3, 1, 8, 1.0",
        "full batch: the whole factor,          3, 8, 8, 3.0",
        "half way (4 of 8): 1 + 2 × 3/7,        3, 4, 8, 1.8571428571428572",
        "one-slot pod: never slowed,            3, 1, 1, 1.0",
        "factor 1: never slowed,                1, 8, 8, 1.0"
    })
    void loadFactorIsLinearInTheRunningSequences(String why, double factor, int running, int max, double want) {
        assertEquals(want, Engine.loadFactor(factor, running, max), 1e-12, why);
    }

    @Test
    void prefillWorkIsServedOneRequestAtATime() {
        PrefillLine line = new PrefillLine();
        long t0 = 5_000;
        assertEquals(t0, line.reserve(t0, 100), "idle: starts at once");
        assertEquals(t0 + 100, line.reserve(t0 + 10, 50), "behind the first");
        assertEquals(t0 + 150, line.reserve(t0 + 20, 10), "behind both");
        assertEquals(140, line.backlog(t0 + 20));
        assertEquals(t0 + 1_000, line.reserve(t0 + 1_000, 10), "the backlog is gone by then");
        assertEquals(0, line.backlog(t0 + 2_000));
    }

    @Test
    void aRemotelyPrefilledRequestWaitsForTheKvTransferInsteadOfPrefilling() throws Exception {
        Timing t = timing(10, 1_000, 5, 0, 0);
        Engine engine = engine(
                false,
                new Timing(
                        t.timeToFirstToken(),
                        t.interTokenLatency(),
                        t.prefillTimePerToken(),
                        t.interTokenLatencyPerSequence(),
                        t.loraLoadTime(),
                        false,
                        1,
                        Duration.ofMillis(3),
                        Duration.ofNanos(100_000),
                        false));

        run(engine, BASE, PROMPT, 2); // prefilled here: ttft + 40 tokens x 1 ms
        engine.run(
                new GenerationPlan(BASE, List.of(PROMPT), 40, 2, FinishReason.LENGTH, List.of(PROMPT), true),
                new TokenSink() {
                    @Override
                    public void accept(int step, List<String> pieces, boolean last) {}
                });

        assertEquals(List.of(ms(10 + 40), ms(3 + 4)), recorder.ttft, "transfer 3 ms + 40 tokens x 0.1 ms, no prefill");
        assertEquals(List.of(ms(5), ms(5)), recorder.itl, "decode steps are the same either way");
    }

    private Engine engine(boolean prefixCaching, Timing timing) {
        BatchScheduler scheduler = new BatchScheduler(8, 8, 4, 4, 1_000, prefixCaching, ticker);
        return new Engine(scheduler, new TextGenerator(0), timing, recorder, ticker);
    }

    /** Runs one request to the end; returns the cached tokens the sink was told. */
    private int run(Engine engine, ServedModel model, String prompt, int outputTokens) throws Exception {
        int[] cached = {-1};
        engine.run(
                new GenerationPlan(model, List.of(prompt), Tokens.count(prompt), outputTokens, FinishReason.LENGTH),
                new TokenSink() {
                    @Override
                    public void admitted(int cachedTokens) {
                        cached[0] = cachedTokens;
                    }

                    @Override
                    public void accept(int step, List<String> pieces, boolean last) {}
                });
        return cached[0];
    }

    private static Timing timing(
            long ttftMs, long prefillMicrosPerToken, long itlMs, long itlPerSequenceMs, long loraLoadMs) {
        return new Timing(
                Duration.ofMillis(ttftMs),
                Duration.ofMillis(itlMs),
                Duration.ofNanos(prefillMicrosPerToken * 1_000),
                Duration.ofMillis(itlPerSequenceMs),
                Duration.ofMillis(loraLoadMs));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static final class Recorder implements EngineListener {
        final List<Duration> ttft = new ArrayList<>();
        final List<Duration> itl = new ArrayList<>();
        final List<Long> prefix = new ArrayList<>();

        @Override
        public void firstToken(Duration sinceArrival, int promptTokens) {
            ttft.add(sinceArrival);
        }

        @Override
        public void nextToken(Duration sincePrevious) {
            itl.add(sincePrevious);
        }

        @Override
        public void generated(int tokens) {}

        @Override
        public void finished(FinishReason reason) {}

        @Override
        public void prefixCacheQueried(int queriedTokens, int hitTokens) {
            prefix.add((long) queriedTokens);
            prefix.add((long) hitTokens);
        }
    }
}
