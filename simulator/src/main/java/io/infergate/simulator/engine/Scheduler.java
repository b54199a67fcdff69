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
 * later requests that fit may start ahead of it, as vLLM does. Without adapters the order is
 * strictly FIFO. Invariant after every change: no waiter could run.
 *
 * <p>One lock guards the state; it is never held while sleeping or doing I/O.
 */
public final class Scheduler {

    private final int maxRunning;
    private final int maxWaiting;
    private final int maxLoras;
    private final int blockSize;
    private final int kvCacheBlocks;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Set<Sequence> running = new LinkedHashSet<>();
    private final Map<String, Integer> runningAdapters = new HashMap<>();

    public Scheduler(int maxRunning, int maxWaiting, int maxLoras, int blockSize, int kvCacheBlocks) {
        if (maxRunning < 1 || maxWaiting < 0 || maxLoras < 1 || blockSize < 1 || kvCacheBlocks < 1) {
            throw new IllegalArgumentException("scheduler limits out of range");
        }
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.maxLoras = maxLoras;
        this.blockSize = blockSize;
        this.kvCacheBlocks = kvCacheBlocks;
    }

    /**
     * Takes a running slot, waiting for one if needed.
     *
     * @return the running sequence, or empty if the waiting queue is full
     * @throws InterruptedException if interrupted while waiting; no slot is then held
     */
    public Optional<Sequence> admit(ServedModel model, int promptTokens) throws InterruptedException {
        Sequence sequence = new Sequence(this, model, promptTokens);
        lock.lock();
        try {
            if (canRun(model)) {
                start(sequence);
                return Optional.of(sequence);
            }
            if (waiting.size() >= maxWaiting) {
                return Optional.empty();
            }
            Waiter waiter = new Waiter(sequence, lock.newCondition());
            waiting.addLast(waiter);
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

    /** Requests that may wait for a slot; one more is refused. */
    public int maxWaiting() {
        return maxWaiting;
    }

    /** A consistent snapshot for metrics. */
    public Load load() {
        lock.lock();
        try {
            long blocks = 0;
            Set<String> waitingAdapters = new TreeSet<>();
            for (Sequence s : running) {
                blocks += s.blocks(blockSize);
            }
            for (Waiter w : waiting) {
                if (w.sequence.model().isLora()) {
                    waitingAdapters.add(w.sequence.model().id());
                }
            }
            return new Load(running.size(), waiting.size(), blocks, kvCacheBlocks,
                    List.copyOf(new TreeSet<>(runningAdapters.keySet())), List.copyOf(waitingAdapters));
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

    private boolean canRun(ServedModel model) {
        if (running.size() >= maxRunning) {
            return false;
        }
        return !model.isLora() || runningAdapters.containsKey(model.id()) || runningAdapters.size() < maxLoras;
    }

    private void start(Sequence sequence) {
        running.add(sequence);
        if (sequence.model().isLora()) {
            runningAdapters.merge(sequence.model().id(), 1, Integer::sum);
        }
    }

    private void stop(Sequence sequence) {
        if (running.remove(sequence) && sequence.model().isLora()) {
            runningAdapters.computeIfPresent(sequence.model().id(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Starts waiters in queue order while they fit, skipping those blocked by the LoRA limit. */
    private void promote() {
        List<Waiter> started = new ArrayList<>();
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext() && running.size() < maxRunning; ) {
            Waiter w = it.next();
            if (canRun(w.sequence.model())) {
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
