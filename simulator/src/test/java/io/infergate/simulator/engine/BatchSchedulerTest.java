package io.infergate.simulator.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSchedulerTest {

    private static final ServedModel BASE = ServedModel.base("m");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void waitersStartInArrivalOrderAndAFullQueueRefuses() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(1, 2, 4, 16, 100);
        Sequence first = scheduler.admit(BASE, 1).orElseThrow();
        CompletableFuture<Sequence> second = admitLater(scheduler, BASE);
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 1);
        CompletableFuture<Sequence> third = admitLater(scheduler, BASE);
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 2);

        assertEquals(Optional.empty(), scheduler.admit(BASE, 1), "queue of 2 is full");

        first.close();
        Sequence secondRunning = second.get();
        assertFalse(third.isDone(), "the later waiter still waits");
        assertEquals(1, scheduler.load().running());
        assertEquals(1, scheduler.load().waiting());
        secondRunning.close();
        third.get().close();
        assertEquals(0, scheduler.load().running());
        first.close(); // idempotent: must not free a second slot
        assertEquals(0, scheduler.load().running());
    }

    @Test
    void loraLimitSkipsBlockedAdapterButAdmitsOthers() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 4, 1, 16, 100);
        Sequence a = scheduler.admit(ServedModel.lora("a", "m"), 1).orElseThrow();
        CompletableFuture<Sequence> b = admitLater(scheduler, ServedModel.lora("b", "m"));
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 1);

        Sequence anotherA = scheduler.admit(ServedModel.lora("a", "m"), 1).orElseThrow();
        Sequence base = scheduler.admit(BASE, 1).orElseThrow();
        Load load = scheduler.load();
        assertEquals(3, load.running());
        assertEquals(List.of("a"), load.runningAdapters());
        assertEquals(List.of("b"), load.waitingAdapters());

        a.close();
        assertFalse(b.isDone(), "adapter a still runs once, so b may not load");
        anotherA.close();
        b.get().close();
        base.close();
        assertEquals(List.of(), scheduler.load().runningAdapters());
    }

    @Test
    void kvBlocksRoundUpPerSequenceAndGrowWithOutput() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 0, 4, 16, 10);
        Sequence s1 = scheduler.admit(BASE, 16).orElseThrow(); // exactly 1 block
        Sequence s2 = scheduler.admit(BASE, 17).orElseThrow(); // 2 blocks
        assertEquals(3, scheduler.load().usedBlocks());
        s1.addGenerated(1); // 17 tokens: 2 blocks
        assertEquals(0.4, scheduler.load().kvCacheUsage(), 1e-9);
        Sequence huge = scheduler.admit(BASE, 1000).orElseThrow();
        assertEquals(1.0, scheduler.load().kvCacheUsage(), "capped at 1");
        huge.close();
        s1.close();
        s2.close();
        assertEquals(0, scheduler.load().usedBlocks());
    }

    @Test
    void interruptedWaiterLeavesTheQueue() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(1, 1, 4, 16, 100);
        Sequence running = scheduler.admit(BASE, 1).orElseThrow();
        CompletableFuture<Sequence> waiter = admitLater(scheduler, BASE);
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 1);

        threads.shutdownNow();
        await().atMost(WAIT).until(waiter::isCompletedExceptionally);

        assertEquals(0, scheduler.load().waiting());
        assertEquals(1, scheduler.load().running());
        running.close();
        assertEquals(0, scheduler.load().running(), "the interrupted waiter did not take the freed slot");
    }

    /**
     * Block size 2, 4 blocks: a running 6-token prompt holds 3; a 4-token prompt (2 blocks) must wait,
     * and a 1-block request that would fit queues behind it (vLLM schedules first come, first served).
     */
    @Test
    void aPromptThatDoesNotFitTheFreeBlocksWaitsAndLaterRequestsQueueBehindIt() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 4, 4, 2, 4, true, Ticker.SYSTEM);
        Sequence big = scheduler.admit(BASE, 6, blocks("a b c d e f")).orElseThrow();
        CompletableFuture<Sequence> medium = admitLater(scheduler, BASE, blocks("g h i j"));
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 1);
        CompletableFuture<Sequence> small = admitLater(scheduler, BASE, blocks("k"));
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 2);
        assertEquals(0.75, scheduler.load().kvCacheUsage(), 1e-9);

        big.close();
        Sequence mediumRunning = medium.get();
        Sequence smallRunning = small.get();
        assertEquals(2, scheduler.load().running());
        assertEquals(0.75, scheduler.load().kvCacheUsage(), 1e-9, "2 + 1 blocks");
        mediumRunning.close();
        smallRunning.close();
        assertEquals(0, scheduler.load().kvCacheUsage());
    }

    @Test
    void aPromptLargerThanTheWholeCacheRunsAlone() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 4, 4, 2, 2, true, Ticker.SYSTEM);
        Sequence huge = scheduler.admit(BASE, 10, blocks("a b c d e f g h i j")).orElseThrow();
        assertEquals(1.0, scheduler.load().kvCacheUsage(), "capped at 1");
        CompletableFuture<Sequence> next = admitLater(scheduler, BASE, blocks("x"));
        await().atMost(WAIT).until(() -> scheduler.load().waiting() == 1);
        huge.close();
        next.get().close();
        assertEquals(0, scheduler.load().running());
    }

    /** kv_cache_usage_perc counts blocks held by running sequences, shared blocks once, as vLLM reports it. */
    @Test
    void usageCountsSharedBlocksOnceGrowsWithDecodeAndExcludesCachedBlocks() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 0, 4, 2, 10, true, Ticker.SYSTEM);
        Sequence first = scheduler.admit(BASE, 5, blocks("a b c d e")).orElseThrow();
        assertEquals(0.3, scheduler.load().kvCacheUsage(), 1e-9, "2 full blocks + 1 partial");
        Sequence second = scheduler.admit(BASE, 5, blocks("a b c d e")).orElseThrow();
        assertEquals(4, second.cachedTokens());
        assertEquals(0.4, scheduler.load().kvCacheUsage(), 1e-9, "the full blocks are shared");

        first.addGenerated(1); // 6 tokens: the partial block fills up
        assertEquals(0.4, scheduler.load().kvCacheUsage(), 1e-9);
        first.addGenerated(1); // 7 tokens: a new block
        assertEquals(0.5, scheduler.load().kvCacheUsage(), 1e-9);

        first.close();
        second.close();
        assertEquals(0, scheduler.load().kvCacheUsage(), "cached blocks are free to evict: not in use");
        assertEquals(
                4, scheduler.admit(BASE, 5, blocks("a b c d e")).orElseThrow().cachedTokens());
    }

    @Test
    void anAdapterLoadsOnceThenStaysResidentUntilLeastRecentlyUsed() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(4, 4, 2, 16, 100);
        ServedModel a = ServedModel.lora("a", "m");
        ServedModel b = ServedModel.lora("b", "m");
        ServedModel c = ServedModel.lora("c", "m");
        Sequence first = scheduler.admit(a, 1).orElseThrow();
        assertTrue(first.loadedAdapter());
        first.close();
        Sequence again = scheduler.admit(a, 1).orElseThrow();
        assertFalse(again.loadedAdapter(), "resident after the first load");
        again.close();
        assertTrue(scheduler.admit(b, 1).orElseThrow().loadedAdapter());
        assertFalse(scheduler.admit(ServedModel.base("m"), 1).orElseThrow().loadedAdapter(), "base model: no adapter");
        Sequence aAgain = scheduler.admit(a, 1).orElseThrow();
        assertFalse(aAgain.loadedAdapter());
        assertEquals(List.of("b", "a"), scheduler.residentAdapters(), "least recently used first");
        aAgain.close();
        // b still runs, so a (idle) gives its slot to c although b was loaded earlier.
        assertTrue(scheduler.admit(c, 1).orElseThrow().loadedAdapter());
        assertEquals(List.of("b", "c"), scheduler.residentAdapters());
    }

    /** vLLM has not scheduled a request whose prefill has not started: it counts as waiting. */
    @Test
    void sequencesQueuedBehindAnotherPrefillCountAsWaiting() throws Exception {
        FakeTicker ticker = new FakeTicker();
        BatchScheduler scheduler = new BatchScheduler(4, 4, 4, 16, 100, false, ticker);
        Sequence prefilling = scheduler.admit(BASE, 1).orElseThrow();
        Sequence queued = scheduler.admit(ServedModel.lora("a", "m"), 1).orElseThrow();
        prefilling.prefillStartsAt(ticker.nanoTime());
        queued.prefillStartsAt(ticker.nanoTime() + 10_000_000L);

        Load load = scheduler.load();
        assertEquals(1, load.running());
        assertEquals(1, load.waiting());
        assertEquals(List.of(), load.runningAdapters());
        assertEquals(List.of("a"), load.waitingAdapters());

        ticker.advanceMillis(10);
        assertEquals(2, scheduler.load().running());
        assertEquals(0, scheduler.load().waiting());
        assertEquals(List.of("a"), scheduler.load().runningAdapters());
    }

    private static PromptBlocks blocks(String text) {
        return PromptBlocks.hash("m", 2, List.of(text));
    }

    private CompletableFuture<Sequence> admitLater(BatchScheduler scheduler, ServedModel model, PromptBlocks prompts) {
        CompletableFuture<Sequence> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(
                        scheduler.admit(model, prompts.totalTokens(), prompts).orElseThrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private CompletableFuture<Sequence> admitLater(BatchScheduler scheduler, ServedModel model) {
        CompletableFuture<Sequence> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(scheduler.admit(model, 1).orElseThrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
