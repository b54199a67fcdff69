package io.infergate.simulator.engine;

/** The waiting queue is full: the request was refused without waiting (the HTTP layer answers 429). */
public final class QueueFullException extends Exception {

    public QueueFullException(int maxWaiting) {
        super(
                "the server is at capacity: all running slots are busy and the waiting queue is full (" + maxWaiting
                        + " requests)",
                null,
                false,
                false);
    }
}
