package io.infergate.router.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.infergate.router.extproc.GrpcHealth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An ext_proc endpoint picker for tests, on a real loopback gRPC socket (plaintext). Like the
 * Inference Extension's pickers it reads the whole body before answering anything: the answer to
 * the request headers comes only after the body's {@code end_of_stream}, so a client that waited
 * for it before sending the body would hang. Its decision is a function of what it saw.
 */
public final class TestPicker implements AutoCloseable {

    /**
     * What the picker saw of one request.
     *
     * @param subset the subset hint ({@code envoy.lb.subset_hint}), empty when none was sent
     */
    public record Seen(Map<String, String> headers, byte[] body, int bodyMessages, List<String> subset) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * What the picker saw of one response (after it routed the request).
     *
     * @param served    the {@code x-gateway-destination-endpoint-served} metadata of the headers
     * @param body      the response body as it arrived, in order
     * @param messages  how many body messages carried it
     * @param ended     whether a body message was marked {@code end_of_stream}
     */
    public record SeenResponse(String served, String body, int messages, boolean ended) {}

    /** What it answers. */
    public sealed interface Reply {
        /**
         * Names endpoints in the header mutation and in {@code envoy.lb} metadata (null: leave that
         * one out), sets {@code extraHeaders}, and replaces the body when {@code body} is non-null
         * (sent back in streamed chunks of at most 62,000 bytes, with the new content-length).
         */
        record Route(String header, String metadata, Map<String, String> extraHeaders, byte[] body) implements Reply {}

        /** An ImmediateResponse. */
        record Immediate(int status, String body) implements Reply {}

        /** Never answers. */
        record Silent() implements Reply {}
    }

    private final Server server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<SeenResponse> responses = new CopyOnWriteArrayList<>();
    private final Map<String, StringBuilder> responding = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Function<Seen, Reply> decide;
    /** The answer of its gRPC health service for the ext_proc service. */
    private volatile int health = GrpcHealth.SERVING;

    private final java.util.concurrent.atomic.AtomicInteger healthChecks =
            new java.util.concurrent.atomic.AtomicInteger();

    public TestPicker(Function<Seen, Reply> decide) {
        this(0, decide);
    }

    /** On a given port (0: any free one). */
    public TestPicker(int port, Function<Seen, Reply> decide) {
        this(port, InsecureServerCredentials.create(), decide);
    }

    /** On a given port with these credentials (TLS for the channel-security tests). */
    public TestPicker(int port, ServerCredentials credentials, Function<Seen, Reply> decide) {
        this.decide = decide;
        try {
            server = OkHttpServerBuilder.forPort(port, credentials)
                    .addService(new Service())
                    .addService(ServerServiceDefinition.builder("grpc.health.v1.Health")
                            .addMethod(
                                    GrpcHealth.CHECK,
                                    ServerCalls.asyncUnaryCall((String service, StreamObserver<Integer> answer) -> {
                                        healthChecks.incrementAndGet();
                                        if (health == NEVER_ANSWERS) {
                                            return; // the caller's deadline expires
                                        }
                                        answer.onNext(health);
                                        answer.onCompleted();
                                    }))
                            .build())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Health checks asked of it so far. */
    public int healthChecks() {
        return healthChecks.get();
    }

    public int port() {
        return server.getPort();
    }

    /** Every request seen so far, in order. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Every response seen to its end (the router half-closed the stream), in order. */
    public List<SeenResponse> responses() {
        return List.copyOf(responses);
    }

    /** The response body seen so far of the response currently streaming (empty when none). */
    public String responding() {
        return responding.values().stream()
                .map(StringBuilder::toString)
                .findFirst()
                .orElse("");
    }

    /** A health status that makes its health service never answer. */
    public static final int NEVER_ANSWERS = -1;

    /**
     * What its health service answers from now on ({@link GrpcHealth#SERVING}, NOT_SERVING, or
     * {@link #NEVER_ANSWERS}).
     */
    public void health(int status) {
        this.health = status;
    }

    public void decide(Function<Seen, Reply> decide) {
        this.decide = decide;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private final class Service extends ExternalProcessorGrpc.ExternalProcessorImplBase {
        @Override
        public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
            return new StreamObserver<>() {
                private final Map<String, String> headers = new LinkedHashMap<>();
                private final ByteArrayOutputStream body = new ByteArrayOutputStream();
                private int bodyMessages;
                private boolean hasBody;
                private final List<String> subset = new java.util.ArrayList<>();
                private final String id = java.util.UUID.randomUUID().toString();
                private String served;
                private final StringBuilder responseBody = new StringBuilder();
                private int responseMessages;
                private boolean responseEnded;

                @Override
                public void onNext(ProcessingRequest r) {
                    if (r.hasRequestHeaders()) {
                        for (HeaderValue h : r.getRequestHeaders().getHeaders().getHeadersList()) {
                            headers.put(h.getKey(), h.getRawValue().toString(StandardCharsets.UTF_8));
                        }
                        hasBody = !r.getRequestHeaders().getEndOfStream();
                        Struct hint =
                                r.getMetadataContext().getFilterMetadataMap().get("envoy.lb.subset_hint");
                        if (hint != null && hint.containsFields("x-gateway-destination-endpoint-subset")) {
                            hint.getFieldsOrThrow("x-gateway-destination-endpoint-subset")
                                    .getListValue()
                                    .getValuesList()
                                    .forEach(v -> subset.add(v.getStringValue()));
                        }
                        if (!hasBody) {
                            answer();
                        }
                    } else if (r.hasResponseHeaders()) {
                        // as the conformance picker does: tell the client which endpoint served
                        Value lb = r.getMetadataContext().getFilterMetadataMap().get("envoy.lb") == null
                                ? null
                                : r.getMetadataContext()
                                        .getFilterMetadataMap()
                                        .get("envoy.lb")
                                        .getFieldsMap()
                                        .get("x-gateway-destination-endpoint-served");
                        served = lb == null ? "fail: missing served metadata" : lb.getStringValue();
                        responding.put(id, responseBody);
                        out.onNext(ProcessingResponse.newBuilder()
                                .setResponseHeaders(HeadersResponse.newBuilder()
                                        .setResponse(CommonResponse.newBuilder()
                                                .setHeaderMutation(HeaderMutation.newBuilder()
                                                        .addSetHeaders(
                                                                header("x-conformance-test-served-endpoint", served)))))
                                .build());
                    } else if (r.hasResponseBody()) {
                        responseMessages++;
                        synchronized (responseBody) {
                            responseBody.append(r.getResponseBody().getBody().toStringUtf8());
                        }
                        responseEnded |= r.getResponseBody().getEndOfStream();
                        // as the EPP does: echo the chunk (the router must not wait for it)
                        out.onNext(ProcessingResponse.newBuilder()
                                .setResponseBody(BodyResponse.newBuilder()
                                        .setResponse(CommonResponse.newBuilder()
                                                .setBodyMutation(BodyMutation.newBuilder()
                                                        .setStreamedResponse(StreamedBodyResponse.newBuilder()
                                                                .setBody(r.getResponseBody()
                                                                        .getBody())
                                                                .setEndOfStream(r.getResponseBody()
                                                                        .getEndOfStream())))))
                                .build());
                    } else if (r.hasRequestBody()) {
                        bodyMessages++;
                        body.writeBytes(r.getRequestBody().getBody().toByteArray());
                        if (r.getRequestBody().getEndOfStream()) {
                            answer();
                        }
                    }
                }

                private void answer() {
                    Seen s = new Seen(Map.copyOf(headers), body.toByteArray(), bodyMessages, List.copyOf(subset));
                    seen.add(s);
                    switch (decide.apply(s)) {
                        case Reply.Silent silent -> {}
                        case Reply.Immediate i ->
                            out.onNext(ProcessingResponse.newBuilder()
                                    .setImmediateResponse(ImmediateResponse.newBuilder()
                                            .setStatus(
                                                    HttpStatus.newBuilder().setCode(StatusCode.forNumber(i.status())))
                                            .setBody(ByteString.copyFromUtf8(i.body())))
                                    .build());
                        case Reply.Route route -> route(route, s);
                    }
                }

                private void route(Reply.Route route, Seen s) {
                    HeaderMutation.Builder m = HeaderMutation.newBuilder();
                    if (route.header() != null) {
                        m.addSetHeaders(header("x-gateway-destination-endpoint", route.header()));
                    }
                    route.extraHeaders().forEach((k, v) -> m.addSetHeaders(header(k, v)));
                    byte[] newBody = route.body() != null ? route.body() : s.body();
                    if (route.body() != null) {
                        m.addSetHeaders(header("content-length", Integer.toString(newBody.length)));
                    }
                    ProcessingResponse.Builder headersAnswer = ProcessingResponse.newBuilder()
                            .setRequestHeaders(HeadersResponse.newBuilder()
                                    .setResponse(CommonResponse.newBuilder().setHeaderMutation(m)));
                    if (route.metadata() != null) {
                        headersAnswer.setDynamicMetadata(Struct.newBuilder()
                                .putFields(
                                        "envoy.lb",
                                        Value.newBuilder()
                                                .setStructValue(Struct.newBuilder()
                                                        .putFields(
                                                                "x-gateway-destination-endpoint",
                                                                Value.newBuilder()
                                                                        .setStringValue(route.metadata())
                                                                        .build()))
                                                .build()));
                    }
                    out.onNext(headersAnswer.build());
                    if (!hasBody) {
                        return;
                    }
                    int off = 0;
                    do {
                        int n = Math.min(62_000, newBody.length - off);
                        out.onNext(ProcessingResponse.newBuilder()
                                .setRequestBody(BodyResponse.newBuilder()
                                        .setResponse(CommonResponse.newBuilder()
                                                .setBodyMutation(BodyMutation.newBuilder()
                                                        .setStreamedResponse(StreamedBodyResponse.newBuilder()
                                                                .setBody(ByteString.copyFrom(newBody, off, n))
                                                                .setEndOfStream(off + n == newBody.length)))))
                                .build());
                        off += n;
                    } while (off < newBody.length);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    responding.remove(id);
                    if (served != null) {
                        responses.add(
                                new SeenResponse(served, responseBody.toString(), responseMessages, responseEnded));
                    }
                    out.onCompleted();
                }
            };
        }
    }

    private static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8(value)))
                .build();
    }
}
