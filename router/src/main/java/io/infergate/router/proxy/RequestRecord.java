package io.infergate.router.proxy;

/**
 * What one request turned into, filled in as the pipeline goes and read once at the end for the
 * access log and metrics. Confined to the request's thread.
 */
final class RequestRecord {
    final String requestId;
    final long startNanos;
    String rule = "";
    String backend = "";
    String endpoint = "";
    int status = 500;
    long ttfbNanos = -1;
    /** Set once an inference request to a pool is on its way (rewrite, usage, per-model meters). */
    InferenceCall inference;

    RequestRecord(String requestId, long startNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
    }
}
