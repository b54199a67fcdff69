package io.infergate.router.trace;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The trace of one public request. {@link #OFF} when tracing is off: every method returns at once,
 * so the request path pays a virtual call and nothing else (no clock read, no allocation, no
 * header touched).
 */
public interface RequestTrace {

    /** No trace: the router has tracing off. */
    RequestTrace OFF = new RequestTrace() {
        @Override
        public boolean on() {
            return false;
        }

        @Override
        public long clock() {
            return 0;
        }

        @Override
        public void toUpstream(Consumer<String> remove, BiConsumer<String, String> set) {}

        @Override
        public void finish(SpanFacts facts) {}
    };

    /** Whether spans are being made (then {@link #finish} wants its facts). */
    boolean on();

    /** {@link System#nanoTime()} when on, 0 when off: the timestamps of the child spans cost nothing when off. */
    long clock();

    /**
     * The request is about to go upstream: starts the upstream span (once; retries share it) and
     * writes its W3C {@code traceparent} (and the client's {@code tracestate}) over whatever the
     * client sent.
     *
     * @param remove removes a header of the upstream request
     * @param set    sets a header of the upstream request
     */
    void toUpstream(Consumer<String> remove, BiConsumer<String, String> set);

    /** The request ended: ends every span with the facts' timestamps and attributes. */
    void finish(SpanFacts facts);
}
