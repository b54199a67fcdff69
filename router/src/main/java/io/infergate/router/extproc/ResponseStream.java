package io.infergate.router.extproc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The response phase of a picker's ext_proc stream once it routed a request.
 *
 * <p>Rules: the response headers go to the picker and its header mutations are awaited briefly
 * (the client's headers wait for them, as behind Envoy). The response body goes to the picker
 * chunk by chunk as it goes to the client, and nothing waits for the picker's answers to it: the
 * picker observes the body (usage, completion) but cannot change it, so the client's stream is
 * never held up by the picker. gRPC buffers what the picker has not yet read; a picker that falls
 * more than {@link #MAX_BEHIND_BYTES} behind loses the rest of the body (the stream is cancelled)
 * rather than buffering an unbounded response in the router. Every message of the phase carries
 * {@code envoy.lb / x-gateway-destination-endpoint-served} in its metadata context.
 */
final class ResponseStream implements ResponsePhase {

    private static final Logger LOG = Logger.getLogger(ResponseStream.class.getName());
    /** How far the picker may fall behind the client's body before it is cut off. */
    static final long MAX_BEHIND_BYTES = 4L * 1024 * 1024;

    private final StreamObserver<ProcessingRequest> out;
    private final LinkedBlockingQueue<StreamEvent> events;
    private final PickerSettings settings;
    private Metadata served;
    private long sentWhileNotReady;
    private boolean ended;
    private boolean bodyEnded;

    ResponseStream(
            StreamObserver<ProcessingRequest> out, LinkedBlockingQueue<StreamEvent> events, PickerSettings settings) {
        this.out = out;
        this.events = events;
        this.settings = settings;
    }

    @Override
    public Mutations responseHeaders(int status, List<Map.Entry<String, String>> headers, String servedBy) {
        if (ended) {
            return Mutations.NONE;
        }
        served = Metadata.newBuilder()
                .putFilterMetadata(
                        Answers.LB_NAMESPACE,
                        Struct.newBuilder()
                                .putFields(
                                        PickerClient.SERVED,
                                        Value.newBuilder()
                                                .setStringValue(servedBy)
                                                .build())
                                .build())
                .build();
        try {
            HeaderMap.Builder map = HeaderMap.newBuilder();
            PickerClient.add(map, ":status", Integer.toString(status));
            for (Map.Entry<String, String> h : headers) {
                PickerClient.add(map, h.getKey().toLowerCase(Locale.ROOT), h.getValue());
            }
            out.onNext(ProcessingRequest.newBuilder()
                    .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(false))
                    .setMetadataContext(served)
                    .build());
            long deadline = System.nanoTime() + settings.responseTimeout().toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                StreamEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                if (!(e instanceof StreamEvent.Message m)) {
                    ended = e != null;
                    return Mutations.NONE;
                }
                if (m.response().hasResponseHeaders()) {
                    return Answers.responseMutations(
                            m.response().getResponseHeaders().getResponse());
                }
                // anything else of the request phase arriving late is ignored
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Mutations.NONE;
        } catch (RuntimeException e) {
            ended = true;
            return Mutations.NONE;
        }
    }

    @Override
    public void responseBody(byte[] chunk, int offset, int length, boolean endOfStream) {
        if (ended || bodyEnded || served == null) {
            return;
        }
        drain();
        if (ended) {
            return;
        }
        try {
            if (out instanceof ClientCallStreamObserver<?> call && !call.isReady()) {
                sentWhileNotReady += length;
                if (sentWhileNotReady > MAX_BEHIND_BYTES) {
                    LOG.fine("endpoint picker fell " + sentWhileNotReady
                            + " bytes behind the response body: the rest is not sent to it");
                    cancel("the picker fell behind the response body");
                    return;
                }
            } else {
                sentWhileNotReady = 0;
            }
            out.onNext(ProcessingRequest.newBuilder()
                    .setResponseBody(HttpBody.newBuilder()
                            .setBody(length == 0 ? ByteString.EMPTY : ByteString.copyFrom(chunk, offset, length))
                            .setEndOfStream(endOfStream))
                    .setMetadataContext(served)
                    .build());
            bodyEnded = endOfStream;
        } catch (RuntimeException e) {
            ended = true;
        }
    }

    /**
     * Drops what the picker sent meanwhile (its answers to body chunks: it may not change the body),
     * noting when it ended or failed the stream.
     */
    private void drain() {
        StreamEvent e;
        while ((e = events.poll()) != null) {
            if (!(e instanceof StreamEvent.Message)) {
                ended = true;
            }
        }
    }

    private void cancel(String why) {
        ended = true;
        try {
            out.onError(Status.CANCELLED.withDescription(why).asRuntimeException());
        } catch (RuntimeException ignored) {
            // already failed: nothing left to cancel
        }
    }

    @Override
    public void close() {
        if (!ended) {
            ended = true;
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream already failed: nothing left to end
            }
        }
    }
}
