package io.infergate.bench.loadgen;

/**
 * What happened to one request.
 *
 * @param request       the planned request
 * @param status        HTTP status, 0 when none arrived
 * @param result        how it ended
 * @param startNanos    when it was sent (System.nanoTime)
 * @param endNanos      when it ended
 * @param ttftNanos     send to first content event, -1 when none
 * @param gapsNanos     gaps between consecutive content events
 * @param outputTokens  content events received
 * @param promptTokens  {@code x-prompt-tokens} of the answer, -1 when absent
 * @param hitTokens     {@code x-prefix-cache-hit-tokens} of the answer, -1 when absent
 * @param pod           {@code x-inference-pod} of the answer, "" when absent
 */
public record Outcome(
        Plan.Request request,
        int status,
        Result result,
        long startNanos,
        long endNanos,
        long ttftNanos,
        long[] gapsNanos,
        int outputTokens,
        int promptTokens,
        int hitTokens,
        String pod) {

    /** How a request ended. */
    public enum Result {
        /** 200 and the stream reached {@code [DONE]}. */
        OK,
        /** 429 or 503: the gateway (or a full model server) turned it away. */
        SHED,
        /** Any other status, a broken or unfinished stream, a connection failure or the timeout. */
        ERROR;

        /** The result of an answer without a complete stream. */
        static Result ofStatus(int status) {
            return status == 429 || status == 503 ? SHED : ERROR;
        }
    }
}
