package io.infergate.router.extproc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request phase of one ext_proc stream as a state machine over the picker's messages (pure: no
 * I/O, fed one message at a time).
 *
 * <p>Rules (Envoy ext_proc, FULL_DUPLEX_STREAMED body mode, and the Inference Extension's endpoint
 * picker protocol): the answer to the request headers may come only after the whole body was sent
 * (the picker reads the body before it picks), so nothing waits for it. The phase is complete once
 * the headers were answered and, when a body was sent, the body was answered through
 * {@code end_of_stream} (streamed chunks) or at once (a whole-body mutation or a plain CONTINUE).
 * An ImmediateResponse ends it at any point. The destination comes from the header mutation
 * {@code x-gateway-destination-endpoint} and from dynamic metadata
 * {@code envoy.lb / x-gateway-destination-endpoint}; when both are given they must agree.
 */
final class Answers {

    /** The destination header the picker sets; also never forwarded upstream. */
    static final String DESTINATION = "x-gateway-destination-endpoint";
    /** The dynamic metadata namespace of the destination. */
    static final String LB_NAMESPACE = "envoy.lb";

    private final boolean bodySent;
    private boolean headersAnswered;
    private boolean bodyAnswered;
    private Decision.Immediate immediate;
    private String protocolError;
    private final List<Map.Entry<String, String>> setHeaders = new ArrayList<>();
    private final List<String> removeHeaders = new ArrayList<>();
    private ByteArrayOutputStream streamedBody;
    private byte[] replacedBody;
    private String headerDestination;
    private String metadataDestination;

    /** @param bodySent whether a body went to the picker after the headers */
    Answers(boolean bodySent) {
        this.bodySent = bodySent;
        this.bodyAnswered = !bodySent;
    }

    /** Takes one message of the picker. */
    void accept(ProcessingResponse r) {
        if (r.hasDynamicMetadata()) {
            destinationIn(r.getDynamicMetadata()).ifPresent(d -> metadataDestination = d);
        }
        switch (r.getResponseCase()) {
            case REQUEST_HEADERS -> {
                if (headersAnswered) {
                    protocolError = "the picker answered the request headers twice";
                    return;
                }
                headersAnswered = true;
                common(r.getRequestHeaders().getResponse(), false);
            }
            case REQUEST_BODY -> {
                if (!bodySent) {
                    protocolError = "the picker answered a body that was not sent";
                    return;
                }
                common(r.getRequestBody().getResponse(), true);
            }
            case IMMEDIATE_RESPONSE -> immediate = immediate(r.getImmediateResponse());
            case REQUEST_TRAILERS -> {} // no trailers are sent; an answer to them changes nothing
            default -> protocolError = "the picker sent " + r.getResponseCase() + " during the request phase";
        }
    }

    /** The phase is over: an answer (or an error) is known. */
    boolean complete() {
        return immediate != null || protocolError != null || (headersAnswered && bodyAnswered);
    }

    /** The decision; call once {@link #complete()} (or when the stream ended early). */
    Decision decision() {
        if (protocolError != null) {
            return new Decision.Failed("protocol", protocolError);
        }
        if (immediate != null) {
            return immediate;
        }
        if (!headersAnswered) {
            return new Decision.Failed("protocol", "the picker ended the stream without answering the request headers");
        }
        if (!bodyAnswered) {
            return new Decision.Failed("protocol", "the picker ended the stream before answering the whole body");
        }
        if (headerDestination != null
                && metadataDestination != null
                && !normalized(headerDestination).equals(normalized(metadataDestination))) {
            return new Decision.Failed(
                    "protocol",
                    "the picker named " + headerDestination + " in the header but " + metadataDestination
                            + " in the envoy.lb metadata");
        }
        String named = headerDestination != null ? headerDestination : metadataDestination;
        if (named == null || normalized(named).isEmpty()) {
            return new Decision.Failed("protocol", "the picker named no destination endpoint");
        }
        Optional<byte[]> body = replacedBody != null
                ? Optional.of(replacedBody)
                : streamedBody != null ? Optional.of(streamedBody.toByteArray()) : Optional.empty();
        return new Decision.Route(List.of(normalized(named).split(",")), setHeaders, removeHeaders, body);
    }

    /**
     * Applies one CommonResponse. A body answer with streamed chunks completes the body at the
     * chunk marked {@code end_of_stream}; any other body answer (a whole-body replacement, a
     * cleared body, or CONTINUE without a mutation: the body unchanged) completes it at once.
     */
    private void common(CommonResponse c, boolean bodyAnswer) {
        if (c.hasHeaderMutation()) {
            mutation(c.getHeaderMutation());
        }
        BodyMutation m = c.hasBodyMutation() ? c.getBodyMutation() : null;
        if (m != null && m.getMutationCase() == BodyMutation.MutationCase.STREAMED_RESPONSE) {
            if (streamedBody == null) {
                streamedBody = new ByteArrayOutputStream();
            }
            streamedBody.writeBytes(m.getStreamedResponse().getBody().toByteArray());
            if (m.getStreamedResponse().getEndOfStream()) {
                bodyAnswered = true;
            }
            return;
        }
        if (m != null && m.getMutationCase() == BodyMutation.MutationCase.BODY) {
            replacedBody = m.getBody().toByteArray();
        } else if (m != null && m.getMutationCase() == BodyMutation.MutationCase.CLEAR_BODY && m.getClearBody()) {
            replacedBody = new byte[0];
        }
        if (bodyAnswer) {
            bodyAnswered = true;
        }
    }

    private void mutation(HeaderMutation m) {
        for (HeaderValueOption o : m.getSetHeadersList()) {
            HeaderValue h = o.getHeader();
            String name = h.getKey().toLowerCase(Locale.ROOT);
            String value =
                    h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toString(StandardCharsets.UTF_8);
            if (name.equals(DESTINATION)) {
                headerDestination = value;
            } else {
                setHeaders.add(Map.entry(name, value));
            }
        }
        for (String name : m.getRemoveHeadersList()) {
            removeHeaders.add(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Decision.Immediate immediate(ImmediateResponse r) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (r.hasHeaders()) {
            for (HeaderValueOption o : r.getHeaders().getSetHeadersList()) {
                HeaderValue h = o.getHeader();
                headers.add(Map.entry(
                        h.getKey().toLowerCase(Locale.ROOT),
                        h.getRawValue().isEmpty()
                                ? h.getValue()
                                : h.getRawValue().toString(StandardCharsets.UTF_8)));
            }
        }
        int status = r.hasStatus() ? r.getStatus().getCodeValue() : 0;
        return new Decision.Immediate(
                status >= 200 && status <= 599 ? status : 500,
                headers,
                r.getBody().toByteArray(),
                r.getDetails());
    }

    /** The header mutations of a response-headers answer (pseudo-headers and framing left out). */
    static ResponsePhase.Mutations responseMutations(CommonResponse c) {
        if (!c.hasHeaderMutation()) {
            return ResponsePhase.Mutations.NONE;
        }
        List<Map.Entry<String, String>> set = new ArrayList<>();
        for (HeaderValueOption o : c.getHeaderMutation().getSetHeadersList()) {
            HeaderValue h = o.getHeader();
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":") && !name.equals("content-length") && !name.equals("transfer-encoding")) {
                set.add(Map.entry(
                        name,
                        h.getRawValue().isEmpty()
                                ? h.getValue()
                                : h.getRawValue().toString(StandardCharsets.UTF_8)));
            }
        }
        List<String> remove = c.getHeaderMutation().getRemoveHeadersList().stream()
                .map(n -> n.toLowerCase(Locale.ROOT))
                .filter(n -> !n.startsWith(":"))
                .toList();
        return new ResponsePhase.Mutations(set, remove);
    }

    /** {@code envoy.lb / x-gateway-destination-endpoint} of a metadata struct, when it is a string. */
    static Optional<String> destinationIn(Struct metadata) {
        Value ns = metadata.getFieldsMap().get(LB_NAMESPACE);
        if (ns == null || !ns.hasStructValue()) {
            return Optional.empty();
        }
        Value v = ns.getStructValue().getFieldsMap().get(DESTINATION);
        return v != null && v.hasStringValue() ? Optional.of(v.getStringValue()) : Optional.empty();
    }

    /** The list without blanks around its entries. */
    static String normalized(String list) {
        StringBuilder out = new StringBuilder();
        for (String part : list.split(",")) {
            String p = part.strip();
            if (!p.isEmpty()) {
                out.append(out.isEmpty() ? "" : ",").append(p);
            }
        }
        return out.toString();
    }
}
