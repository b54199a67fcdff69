package io.infergate.router.extproc;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks one picker about one request over one ext_proc stream ({@code ExternalProcessor/Process}):
 * sends the request headers, then at once the whole body in chunks (FULL_DUPLEX_STREAMED: the
 * picker answers the headers only after the end of the body, so waiting for that answer first
 * would deadlock), then reads the picker's messages until {@link Answers} is complete, all within
 * the configured deadline. The stream is then half-closed: the picker sees the end of the request.
 */
final class PickerClient {

    /** One event of the stream, as the gRPC thread hands it to the waiting request thread. */
    private sealed interface Event {
        record Message(ProcessingResponse response) implements Event {
        }

        record Error(Throwable error) implements Event {
        }

        record End() implements Event {
        }
    }

    private final PickerSettings settings;

    PickerClient(PickerSettings settings) {
        this.settings = settings;
    }

    /** Runs the request phase on {@code channel}; never throws for picker failures. */
    Decision ask(Channel channel, PickerRequest request) throws InterruptedException {
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingResponse> in = new StreamObserver<>() {
            @Override
            public void onNext(ProcessingResponse value) {
                events.add(new Event.Message(value));
            }

            @Override
            public void onError(Throwable t) {
                events.add(new Event.Error(t));
            }

            @Override
            public void onCompleted() {
                events.add(new Event.End());
            }
        };
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        StreamObserver<ProcessingRequest> out = ExternalProcessorGrpc.newStub(channel)
                .withDeadlineAfter(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
                .process(in);
        boolean hasBody = request.body().length > 0;
        Answers answers = new Answers(hasBody);
        try {
            out.onNext(ProcessingRequest.newBuilder().setRequestHeaders(headers(request, !hasBody)).build());
            byte[] body = request.body();
            for (int off = 0; off < body.length; off += settings.chunkBytes()) {
                int n = Math.min(settings.chunkBytes(), body.length - off);
                out.onNext(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
                        .setBody(ByteString.copyFrom(body, off, n)).setEndOfStream(off + n == body.length)).build());
            }
            while (!answers.complete()) {
                long left = deadline - System.nanoTime();
                Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                switch (e) {
                    case null -> {
                        out.onError(Status.DEADLINE_EXCEEDED.withDescription("router gave up").asRuntimeException());
                        return new Decision.Failed("timeout", "no answer within " + settings.timeout().toMillis() + " ms");
                    }
                    case Event.Message m -> answers.accept(m.response());
                    case Event.Error err -> {
                        return failed(err.error());
                    }
                    case Event.End end -> {
                        return answers.decision();
                    }
                }
            }
            out.onCompleted();
            return answers.decision();
        } catch (RuntimeException e) {
            out.onError(e);
            return failed(e);
        } catch (InterruptedException e) {
            out.onError(Status.CANCELLED.withDescription("request thread interrupted").asRuntimeException());
            throw e;
        }
    }

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
        return HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(endOfStream).build();
    }

    private static void add(HeaderMap.Builder map, String name, String value) {
        map.addHeaders(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
    }
}
