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

class SchedulerTest {

    private static final ServedModel BASE = ServedModel.base("m");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void waitersStartInArrivalOrderAndAFullQueueRefuses() throws Exception {
        Scheduler scheduler = new Scheduler(1, 2, 4, 16, 100);
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
        Scheduler scheduler = new Scheduler(4, 4, 1, 16, 100);
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
        Scheduler scheduler = new Scheduler(4, 0, 4, 16, 10);
        Sequence s1 = scheduler.admit(BASE, 16).orElseThrow();  // exactly 1 block
        Sequence s2 = scheduler.admit(BASE, 17).orElseThrow();  // 2 blocks
        assertEquals(3, scheduler.load().usedBlocks());
        s1.addGenerated(1);                                      // 17 tokens: 2 blocks
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
        Scheduler scheduler = new Scheduler(1, 1, 4, 16, 100);
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

    private CompletableFuture<Sequence> admitLater(Scheduler scheduler, ServedModel model) {
        CompletableFuture<Sequence> result = new CompletableFuture<>();
        threads.submit(() -> {
            try {
                result.complete(scheduler.admit(model, 1).orElseThrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
