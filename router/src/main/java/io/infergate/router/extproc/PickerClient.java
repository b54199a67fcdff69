package io.infergate.router.extproc;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks one picker about one request over one ext_proc stream ({@code ExternalProcessor/Process}):
 * sends the request headers, then at once the whole body in chunks (FULL_DUPLEX_STREAMED: the
 * picker answers the headers only after the end of the body, so waiting for that answer first
 * would deadlock), then reads the picker's messages until {@link Answers} is complete, all within
 * the configured deadline. A routed request keeps the stream open for the response phase
 * ({@link ResponseStream}); any other answer ends it (half-close).
 */
final class PickerClient {

    private final PickerSettings settings;

    PickerClient(PickerSettings settings) {
        this.settings = settings;
    }

    /** A decision, and for a route the open stream's response phase (else {@link ResponsePhase#NONE}). */
    record Asked(Decision decision, ResponsePhase phase) {}

    /** Runs the request phase on {@code channel}; never throws for picker failures. */
    Decision ask(Channel channel, PickerRequest request) throws InterruptedException {
        Asked a = askKeepingStream(channel, request);
        a.phase().close();
        return a.decision();
    }

    /**
     * Runs the request phase; when the picker routed the request the stream stays open for the
     * response phase (the caller closes it), otherwise it is ended here.
     */
    Asked askKeepingStream(Channel channel, PickerRequest request) throws InterruptedException {
        LinkedBlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingResponse> in = new StreamObserver<>() {
            @Override
            public void onNext(ProcessingResponse value) {
                events.add(new StreamEvent.Message(value));
            }

            @Override
            public void onError(Throwable t) {
                events.add(new StreamEvent.Failed(t));
            }

            @Override
            public void onCompleted() {
                events.add(new StreamEvent.End());
            }
        };
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        // No gRPC deadline on the call: the stream lives as long as the exchange (a long prefill
        // included); each phase bounds its own wait below and cancels the call when it expires.
        StreamObserver<ProcessingRequest> out =
                ExternalProcessorGrpc.newStub(channel).process(in);
        boolean hasBody = request.body().length > 0;
        Answers answers = new Answers(hasBody);
        try {
            ProcessingRequest.Builder first =
                    ProcessingRequest.newBuilder().setRequestHeaders(headers(request, !hasBody));
            if (!request.subset().isEmpty()) {
                first.setMetadataContext(subsetHint(request.subset()));
            }
            out.onNext(first.build());
            byte[] body = request.body();
            for (int off = 0; off < body.length; off += settings.chunkBytes()) {
                int n = Math.min(settings.chunkBytes(), body.length - off);
                out.onNext(ProcessingRequest.newBuilder()
                        .setRequestBody(HttpBody.newBuilder()
                                .setBody(ByteString.copyFrom(body, off, n))
                                .setEndOfStream(off + n == body.length))
                        .build());
            }
            while (!answers.complete()) {
                long left = deadline - System.nanoTime();
                StreamEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                switch (e) {
                    case null -> {
                        out.onError(Status.DEADLINE_EXCEEDED
                                .withDescription("router gave up")
                                .asRuntimeException());
                        return new Asked(
                                new Decision.Failed(
                                        "timeout",
                                        "no answer within " + settings.timeout().toMillis() + " ms"),
                                ResponsePhase.NONE);
                    }
                    case StreamEvent.Message m -> answers.accept(m.response());
                    case StreamEvent.Failed err -> {
                        return new Asked(failed(err.error()), ResponsePhase.NONE);
                    }
                    case StreamEvent.End end -> {
                        return new Asked(answers.decision(), ResponsePhase.NONE);
                    }
                }
            }
            Decision d = answers.decision();
            if (d instanceof Decision.Route) {
                return new Asked(d, new ResponseStream(out, events, settings));
            }
            out.onCompleted();
            return new Asked(d, ResponsePhase.NONE);
        } catch (RuntimeException e) {
            out.onError(e);
            return new Asked(failed(e), ResponsePhase.NONE);
        } catch (InterruptedException e) {
            out.onError(Status.CANCELLED
                    .withDescription("request thread interrupted")
                    .asRuntimeException());
            throw e;
        }
    }

    /** The metadata namespace of the subset hint, and its key (a list of {@code ip:port}). */
    static final String SUBSET_NAMESPACE = "envoy.lb.subset_hint";

    static final String SUBSET_KEY = "x-gateway-destination-endpoint-subset";

    /** {@code envoy.lb.subset_hint / x-gateway-destination-endpoint-subset = [ip:port, ...]}. */
    static Metadata subsetHint(List<String> endpoints) {
        ListValue.Builder list = ListValue.newBuilder();
        endpoints.forEach(e -> list.addValues(Value.newBuilder().setStringValue(e)));
        return Metadata.newBuilder()
                .putFilterMetadata(
                        SUBSET_NAMESPACE,
                        Struct.newBuilder()
                                .putFields(
                                        SUBSET_KEY,
                                        Value.newBuilder().setListValue(list).build())
                                .build())
                .build();
    }

    /** The metadata key of the endpoint that served the request (in the {@code envoy.lb} namespace). */
    static final String SERVED = "x-gateway-destination-endpoint-served";

    private static Decision.Failed failed(Throwable t) {
        Status s = Status.fromThrowable(t);
        String kind = switch (s.getCode()) {
            case UNAVAILABLE -> "unavailable";
            case DEADLINE_EXCEEDED -> "timeout";
            default -> "error";
        };
        return new Decision.Failed(kind, s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
    }

    /** Envoy's pseudo-headers first, then the request's own headers (raw values, as Envoy sends them). */
    private static HttpHeaders headers(PickerRequest r, boolean endOfStream) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        add(map, ":method", r.method());
        add(map, ":path", r.path());
        add(map, ":authority", r.authority());
        add(map, ":scheme", r.scheme());
        for (Map.Entry<String, String> h : r.headers()) {
            add(map, h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue());
        }
        return HttpHeaders.newBuilder()
                .setHeaders(map)
                .setEndOfStream(endOfStream)
                .build();
    }

    static void add(HeaderMap.Builder map, String name, String value) {
        map.addHeaders(
                HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
    }
}
