package io.infergate.router.epp;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.infergate.router.inference.ErrorBody;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The picker's ext_proc messages (pure builders). Names and shapes follow the Inference
 * Extension's endpoint picker protocol: the endpoint in header {@value #DESTINATION} and in dynamic
 * metadata {@code envoy.lb / x-gateway-destination-endpoint} with the same value; bodies in
 * FULL_DUPLEX_STREAMED mode go back in chunks of at most {@value #CHUNK_BYTES} bytes, the
 * reference picker's chunk size (below the 64 KiB Envoy buffers per streamed body message).
 */
final class Messages {

    static final String DESTINATION = "x-gateway-destination-endpoint";
    static final String LB_NAMESPACE = "envoy.lb";
    static final String SERVED = "x-gateway-destination-endpoint-served";
    static final String SUBSET_NAMESPACE = "envoy.lb.subset_hint";
    static final String SUBSET = "x-gateway-destination-endpoint-subset";
    static final int CHUNK_BYTES = 62_000;

    private Messages() {}

    /**
     * The answer to the request headers of a routed request: the destination as header and
     * metadata, a content-length matching the body sent back (when there is one), the control
     * headers removed, the route cache cleared (the destination decides the upstream host).
     */
    static ProcessingResponse routedHeaders(String endpoints, List<String> remove, Optional<Integer> contentLength) {
        HeaderMutation.Builder m = HeaderMutation.newBuilder().addSetHeaders(header(DESTINATION, endpoints));
        contentLength.ifPresent(n -> m.addSetHeaders(header("content-length", Integer.toString(n))));
        m.addAllRemoveHeaders(remove);
        return ProcessingResponse.newBuilder()
                .setRequestHeaders(HeadersResponse.newBuilder()
                        .setResponse(
                                CommonResponse.newBuilder().setHeaderMutation(m).setClearRouteCache(true)))
                .setDynamicMetadata(Struct.newBuilder()
                        .putFields(
                                LB_NAMESPACE,
                                Value.newBuilder()
                                        .setStructValue(Struct.newBuilder()
                                                .putFields(
                                                        DESTINATION,
                                                        Value.newBuilder()
                                                                .setStringValue(endpoints)
                                                                .build()))
                                        .build()))
                .build();
    }

    /** The request body sent back, streamed; the last chunk ends the stream (an empty body: one empty chunk). */
    static List<ProcessingResponse> requestBody(byte[] body) {
        List<ProcessingResponse> out = new ArrayList<>(body.length / CHUNK_BYTES + 1);
        int off = 0;
        do {
            int n = Math.min(CHUNK_BYTES, body.length - off);
            out.add(ProcessingResponse.newBuilder()
                    .setRequestBody(BodyResponse.newBuilder()
                            .setResponse(streamed(ByteString.copyFrom(body, off, n), off + n == body.length)))
                    .build());
            off += n;
        } while (off < body.length);
        return out;
    }

    /** The answer to the response headers: passed on, without the headers named in {@code remove}. */
    static ProcessingResponse responseHeaders(List<String> remove) {
        CommonResponse.Builder common = CommonResponse.newBuilder();
        if (!remove.isEmpty()) {
            common.setHeaderMutation(HeaderMutation.newBuilder().addAllRemoveHeaders(remove));
        }
        return ProcessingResponse.newBuilder()
                .setResponseHeaders(HeadersResponse.newBuilder().setResponse(common))
                .build();
    }

    /** A response body chunk given back as it came (FULL_DUPLEX_STREAMED: the gateway sends what it gets back). */
    static ProcessingResponse responseBody(ByteString chunk, boolean endOfStream) {
        return ProcessingResponse.newBuilder()
                .setResponseBody(BodyResponse.newBuilder().setResponse(streamed(chunk, endOfStream)))
                .build();
    }

    static ProcessingResponse requestTrailers() {
        return ProcessingResponse.newBuilder()
                .setRequestTrailers(TrailersResponse.getDefaultInstance())
                .build();
    }

    static ProcessingResponse responseTrailers() {
        return ProcessingResponse.newBuilder()
                .setResponseTrailers(TrailersResponse.getDefaultInstance())
                .build();
    }

    /** The picker answers the client itself: an OpenAI-style error, with Retry-After for a 429. */
    static ProcessingResponse immediate(ErrorBody error, Optional<Duration> retryAfter) {
        HeaderMutation.Builder headers =
                HeaderMutation.newBuilder().addSetHeaders(header("content-type", "application/json"));
        retryAfter.ifPresent(d ->
                headers.addSetHeaders(header("retry-after", Long.toString(Math.max(1, d.toSeconds())))));
        return ProcessingResponse.newBuilder()
                .setImmediateResponse(ImmediateResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCodeValue(error.status()))
                        .setHeaders(headers)
                        .setBody(ByteString.copyFromUtf8(error.toJson()))
                        .setDetails(error.code()))
                .build();
    }

    private static CommonResponse.Builder streamed(ByteString chunk, boolean endOfStream) {
        return CommonResponse.newBuilder()
                .setBodyMutation(BodyMutation.newBuilder()
                        .setStreamedResponse(
                                StreamedBodyResponse.newBuilder().setBody(chunk).setEndOfStream(endOfStream)));
    }

    static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8(value)))
                .build();
    }
}
