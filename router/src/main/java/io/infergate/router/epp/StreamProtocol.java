package io.infergate.router.epp;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.infergate.router.inference.ErrorBody;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One ext_proc stream from the picker's side, as a state machine fed one gateway message at a time
 * (pure: the decision is a function passed in, the answers are returned).
 *
 * <p>Rules (the endpoint picker protocol, FULL_DUPLEX_STREAMED request bodies): the request
 * headers are answered only once the whole body has come, since the pick needs the body (model,
 * prompt); a request without a body is decided on its headers. A routed request's headers answer
 * carries the destination, then the body goes back in streamed chunks (rewritten or not: in this
 * mode the gateway forwards only what the picker sends back). A rejection is one ImmediateResponse
 * and ends the exchange. Response headers and body chunks are answered as they come (the body
 * echoed), and observed for usage and the served endpoint. Messages out of order end the stream
 * with {@link ProtocolException}.
 */
final class StreamProtocol {

    /** A gateway message that the protocol does not allow at this point. */
    static final class ProtocolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private enum Phase {
        HEADERS,
        BODY,
        ROUTED,
        DONE
    }

    private final Function<Inbound, Verdict> decide;
    private final long maxBodyBytes;
    private Phase phase = Phase.HEADERS;
    private final Map<String, String> headers = new HashMap<>();
    private Optional<List<String>> subset = Optional.empty();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Verdict.Routed routed;

    StreamProtocol(Function<Inbound, Verdict> decide, long maxBodyBytes) {
        this.decide = decide;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Whether the request phase is still waiting for the gateway (headers or body). */
    boolean deciding() {
        return phase == Phase.HEADERS || phase == Phase.BODY;
    }

    /** Takes one gateway message; returns the answers to send, in order. */
    List<ProcessingResponse> accept(ProcessingRequest r) {
        return switch (r.getRequestCase()) {
            case REQUEST_HEADERS -> {
                expect(Phase.HEADERS, "request headers");
                for (HeaderValue h : r.getRequestHeaders().getHeaders().getHeadersList()) {
                    String value = h.getRawValue().isEmpty()
                            ? h.getValue()
                            : h.getRawValue().toString(StandardCharsets.UTF_8);
                    headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), value);
                }
                subset = subsetHint(r.getMetadataContext());
                if (r.getRequestHeaders().getEndOfStream()) {
                    yield decided(false);
                }
                phase = Phase.BODY;
                yield List.of();
            }
            case REQUEST_BODY -> {
                expect(Phase.BODY, "a request body");
                byte[] chunk = r.getRequestBody().getBody().toByteArray();
                if (body.size() + (long) chunk.length > maxBodyBytes) {
                    phase = Phase.DONE;
                    yield List.of(Messages.immediate(
                            ErrorBody.of(
                                    413,
                                    ErrorBody.REQUEST_TOO_LARGE,
                                    "request body exceeds the picker's limit of " + maxBodyBytes + " bytes"),
                            Optional.empty()));
                }
                body.writeBytes(chunk);
                yield r.getRequestBody().getEndOfStream() ? decided(true) : List.of();
            }
            case REQUEST_TRAILERS -> {
                // trailers end the body; the answer to them comes after the body's
                expect(Phase.BODY, "request trailers");
                List<ProcessingResponse> out = new ArrayList<>(decided(true));
                if (phase == Phase.ROUTED) {
                    out.add(Messages.requestTrailers());
                }
                yield out;
            }
            case RESPONSE_HEADERS -> {
                expect(Phase.ROUTED, "response headers");
                int status = 0;
                for (HeaderValue h : r.getResponseHeaders().getHeaders().getHeadersList()) {
                    if (h.getKey().equals(":status")) {
                        String v = h.getRawValue().isEmpty()
                                ? h.getValue()
                                : h.getRawValue().toString(StandardCharsets.UTF_8);
                        status = parseStatus(v);
                    }
                }
                routed.responded(status, served(r.getMetadataContext()));
                // a body whose length may change must not be framed by the server's content-length
                yield List.of(Messages.responseHeaders(routed.rewrites() ? List.of("content-length") : List.of()));
            }
            case RESPONSE_BODY -> {
                expect(Phase.ROUTED, "a response body");
                boolean end = r.getResponseBody().getEndOfStream();
                byte[] in = r.getResponseBody().getBody().toByteArray();
                byte[] out = routed.pass(in, end);
                if (out.length == 0 && !end) {
                    yield List.of(); // held (a rewritten JSON body goes back whole at its end)
                }
                // unchanged unless the exchange rewrites: then the bytes it returns
                yield List.of(Messages.responseBody(
                        routed.rewrites()
                                ? ByteString.copyFrom(out)
                                : r.getResponseBody().getBody(),
                        end));
            }
            case RESPONSE_TRAILERS -> {
                expect(Phase.ROUTED, "response trailers");
                // trailers end the body: what is still held goes back first
                byte[] rest = routed.pass(new byte[0], true);
                yield rest.length == 0
                        ? List.of(Messages.responseTrailers())
                        : List.of(Messages.responseBody(ByteString.copyFrom(rest), false), Messages.responseTrailers());
            }
            case REQUEST_NOT_SET -> throw new ProtocolException("an empty processing request");
        };
    }

    /** The stream ended, however: releases what a routed request holds. */
    void close() {
        phase = Phase.DONE;
        if (routed != null) {
            routed.finish();
        }
    }

    private List<ProcessingResponse> decided(boolean hasBody) {
        Inbound in = new Inbound(headers, body.toByteArray(), hasBody, subset);
        return switch (decide.apply(in)) {
            case Verdict.Reject reject -> {
                phase = Phase.DONE;
                yield List.of(Messages.immediate(reject.error(), reject.retryAfter()));
            }
            case Verdict.Route route -> {
                phase = Phase.ROUTED;
                routed = route.exchange();
                String endpoints = String.join(",", route.endpoints());
                if (!hasBody) {
                    yield List.of(Messages.routedHeaders(endpoints, route.remove(), Optional.empty()));
                }
                List<ProcessingResponse> out = new ArrayList<>();
                out.add(Messages.routedHeaders(endpoints, route.remove(), Optional.of(route.body().length)));
                out.addAll(Messages.requestBody(route.body()));
                yield out;
            }
        };
    }

    private void expect(Phase wanted, String what) {
        if (phase != wanted) {
            throw new ProtocolException("the gateway sent " + what + " while the picker was at " + phase);
        }
    }

    private static int parseStatus(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code envoy.lb.subset_hint / x-gateway-destination-endpoint-subset}: a list of {@code ip:port}. */
    static Optional<List<String>> subsetHint(Metadata m) {
        Struct ns = m.getFilterMetadataMap().get(Messages.SUBSET_NAMESPACE);
        if (ns == null || !ns.containsFields(Messages.SUBSET)) {
            return Optional.empty();
        }
        Value v = ns.getFieldsOrThrow(Messages.SUBSET);
        List<String> out = new ArrayList<>();
        if (v.hasListValue()) {
            v.getListValue()
                    .getValuesList()
                    .forEach(e -> out.add(e.getStringValue().strip()));
        } else if (v.hasStringValue()) {
            for (String part : v.getStringValue().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return Optional.of(out);
    }

    /** {@code envoy.lb / x-gateway-destination-endpoint-served} of the response's metadata context. */
    static Optional<String> served(Metadata m) {
        Struct ns = m.getFilterMetadataMap().get(Messages.LB_NAMESPACE);
        if (ns == null || !ns.containsFields(Messages.SERVED)) {
            return Optional.empty();
        }
        Value v = ns.getFieldsOrThrow(Messages.SERVED);
        return v.hasStringValue() && !v.getStringValue().isBlank()
                ? Optional.of(v.getStringValue().strip())
                : Optional.empty();
    }
}
