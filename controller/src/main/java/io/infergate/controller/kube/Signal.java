package io.infergate.controller.kube;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A level-triggered wake-up: {@link #raise()} from any thread, one loop {@link #await}s it. */
final class Signal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private boolean up;

    void raise() {
        lock.lock();
        try {
            up = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised or the time is up; true (and lowered again) when it was raised. */
    boolean await(Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (!up && nanos > 0) {
                nanos = raised.awaitNanos(nanos);
            }
            boolean was = up;
            up = false;
            return was;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised, then lowers it. */
    void await() throws InterruptedException {
        lock.lock();
        try {
            while (!up) {
                raised.await(1, TimeUnit.HOURS);
            }
            up = false;
        } finally {
            lock.unlock();
        }
    }
}
