package io.infergate.router.scrape;

import java.util.Set;

/**
 * One scrape of one endpoint, in engine-neutral terms. Absent series read as 0 (counts) or
 * empty (adapters); {@code maxLora} is 0 when the engine does not report LoRA.
 *
 * @param waiting        requests queued in the model server
 * @param running        requests being decoded
 * @param kvCacheUsage   KV-cache use, 0..1
 * @param blockSize      tokens per KV block (0 when unknown)
 * @param blocks         KV blocks (0 when unknown)
 * @param runningLoras   adapters loaded and serving
 * @param waitingLoras   adapters requested by waiting requests
 * @param maxLora        adapters the server can hold at once
 * @param scrapedAtNanos {@link System#nanoTime()} when the scrape completed
 */
public record Metrics(
        int waiting,
        int running,
        double kvCacheUsage,
        int blockSize,
        int blocks,
        Set<String> runningLoras,
        Set<String> waitingLoras,
        int maxLora,
        long scrapedAtNanos) {
    public Metrics {
        runningLoras = Set.copyOf(runningLoras);
        waitingLoras = Set.copyOf(waitingLoras);
        kvCacheUsage = Math.max(0, Math.min(1, kvCacheUsage));
    }

    /** A copy stamped with another time (tests). */
    public Metrics at(long nanos) {
        return new Metrics(
                waiting, running, kvCacheUsage, blockSize, blocks, runningLoras, waitingLoras, maxLora, nanos);
    }
}
