package io.infergate.router.epp;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor/Process}: one {@link StreamProtocol} per
 * stream, bounded. Beyond {@code maxStreams} open streams a new one fails at once with
 * RESOURCE_EXHAUSTED (the gateway applies the pool's failure mode) instead of queueing; a gateway
 * that has not finished the request body within {@code bodyTimeout} is cut off with
 * DEADLINE_EXCEEDED; a message out of protocol order ends the stream with INVALID_ARGUMENT. The
 * decision may block (a saturated pool queues priority requests), which is why the server runs
 * each call on a virtual thread.
 */
final class EppService extends ExternalProcessorGrpc.ExternalProcessorImplBase {

    private static final Logger LOG = Logger.getLogger(EppService.class.getName());

    private final Function<Inbound, Verdict> decide;
    private final EppSettings settings;
    private final EppMetrics metrics;
    private final ScheduledExecutorService timers;
    private final AtomicInteger open = new AtomicInteger();

    EppService(
            Function<Inbound, Verdict> decide,
            EppSettings settings,
            EppMetrics metrics,
            ScheduledExecutorService timers) {
        this.decide = decide;
        this.settings = settings;
        this.metrics = metrics;
        this.timers = timers;
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        if (open.incrementAndGet() > settings.maxStreams()) {
            open.decrementAndGet();
            metrics.refused("overloaded");
            responses.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("the picker has " + settings.maxStreams() + " streams open")
                    .asRuntimeException());
            return new StreamObserver<>() {
                @Override
                public void onNext(ProcessingRequest value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            };
        }
        metrics.opened();
        return new Stream(responses);
    }

    /** One stream: its protocol state, guarded by one lock (gRPC callbacks and the body timer). */
    private final class Stream implements StreamObserver<ProcessingRequest> {
        private final StreamObserver<ProcessingResponse> out;
        private final StreamProtocol protocol = new StreamProtocol(decide, settings.maxBodyBytes());
        private final ReentrantLock lock = new ReentrantLock();
        private final ScheduledFuture<?> bodyTimer;
        private boolean ended;

        Stream(StreamObserver<ProcessingResponse> out) {
            this.out = out;
            Duration timeout = settings.bodyTimeout();
            this.bodyTimer = timers.schedule(this::bodyTimedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (out instanceof ServerCallStreamObserver<ProcessingResponse> server) {
                server.setOnCancelHandler(() -> end());
            }
        }

        @Override
        public void onNext(ProcessingRequest r) {
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                List<ProcessingResponse> answers = protocol.accept(r);
                if (!protocol.deciding()) {
                    bodyTimer.cancel(false);
                }
                for (ProcessingResponse a : answers) {
                    out.onNext(a);
                }
                if (answers.size() == 1 && answers.getFirst().hasImmediateResponse()) {
                    end();
                    out.onCompleted();
                }
            } catch (StreamProtocol.ProtocolException e) {
                metrics.refused("protocol");
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "picker stream failed", e);
                fail(Status.INTERNAL.withDescription(
                        "the picker failed: " + e.getClass().getSimpleName()));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(Throwable t) {
            end();
        }

        @Override
        public void onCompleted() {
            lock.lock();
            try {
                if (!ended) {
                    end();
                    out.onCompleted();
                }
            } finally {
                lock.unlock();
            }
        }

        private void bodyTimedOut() {
            lock.lock();
            try {
                if (!ended && protocol.deciding()) {
                    metrics.refused("timeout");
                    fail(Status.DEADLINE_EXCEEDED.withDescription("the request body did not come within "
                            + settings.bodyTimeout().toMillis() + " ms"));
                }
            } finally {
                lock.unlock();
            }
        }

        private void fail(Status status) {
            if (!ended) {
                end();
                out.onError(status.asRuntimeException());
            }
        }

        /** Releases the stream's state once (the lease of a routed request, the stream count). */
        private void end() {
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                ended = true;
                bodyTimer.cancel(false);
                protocol.close();
                open.decrementAndGet();
                metrics.closed();
            } finally {
                lock.unlock();
            }
        }
    }
}
