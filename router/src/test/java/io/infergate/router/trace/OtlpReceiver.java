package io.infergate.router.trace;

import com.google.protobuf.CodedInputStream;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real OTLP/HTTP traces receiver on a loopback socket: takes {@code POST /v1/traces}
 * (protobuf {@code ExportTraceServiceRequest}), decodes the fields the tests look at with the
 * protobuf wire reader, and answers an empty {@code ExportTraceServiceResponse}.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span; ids in lowercase hex, attribute values as String, Long, Double or Boolean. */
    record ReceivedSpan(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            int kind,
            long startNanos,
            long endNanos,
            Map<String, Object> attributes,
            Map<String, Object> resource) {}

    private final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> contentTypes = new ConcurrentLinkedQueue<>();
    private final WebServer server;

    OtlpReceiver() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.post("/v1/traces", (req, res) -> {
                    contentTypes.add(
                            req.headers().contentType().map(Object::toString).orElse(""));
                    byte[] body = req.content().as(byte[].class);
                    spans.addAll(decode(body));
                    res.status(Status.OK_200)
                            .header("Content-Type", "application/x-protobuf")
                            .send(new byte[0]);
                }))
                .build()
                .start();
    }

    /** The traces URL to configure. */
    String url() {
        return "http://127.0.0.1:" + server.port() + "/v1/traces";
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    @Override
    public void close() {
        server.stop();
    }

    /** ExportTraceServiceRequest: 1 resource_spans; ResourceSpans: 1 resource, 2 scope_spans; ScopeSpans: 2 spans. */
    static List<ReceivedSpan> decode(byte[] body) {
        List<ReceivedSpan> out = new ArrayList<>();
        try {
            for (byte[] resourceSpans : messages(body, 1)) {
                Map<String, Object> resource = new HashMap<>();
                for (byte[] r : messages(resourceSpans, 1)) {
                    for (byte[] kv : messages(r, 1)) {
                        keyValue(CodedInputStream.newInstance(kv), resource);
                    }
                }
                for (byte[] scope : messages(resourceSpans, 2)) {
                    for (byte[] span : messages(scope, 2)) {
                        out.add(span(CodedInputStream.newInstance(span), resource));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("not an OTLP ExportTraceServiceRequest", e);
        }
        return out;
    }

    /** The bytes of each length-delimited field {@code field} of a message. */
    private static List<byte[]> messages(byte[] message, int field) throws IOException {
        List<byte[]> out = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(message);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag >>> 3 == field && (tag & 7) == 2) {
                out.add(in.readByteArray());
            } else {
                in.skipField(tag);
            }
        }
        return out;
    }

    private static ReceivedSpan span(CodedInputStream in, Map<String, Object> resource) throws IOException {
        String traceId = "", spanId = "", parent = "", name = "";
        int kind = 0;
        long start = 0, end = 0;
        Map<String, Object> attributes = new HashMap<>();
        HexFormat hex = HexFormat.of();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag >>> 3) {
                case 1 -> traceId = hex.formatHex(in.readByteArray());
                case 2 -> spanId = hex.formatHex(in.readByteArray());
                case 4 -> parent = hex.formatHex(in.readByteArray());
                case 5 -> name = in.readString();
                case 6 -> kind = in.readEnum();
                case 7 -> start = in.readFixed64();
                case 8 -> end = in.readFixed64();
                case 9 -> keyValue(CodedInputStream.newInstance(in.readByteArray()), attributes);
                default -> in.skipField(tag);
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, kind, start, end, attributes, resource);
    }

    /** KeyValue: 1 key, 2 AnyValue (1 string, 2 bool, 3 int, 4 double). */
    private static void keyValue(CodedInputStream in, Map<String, Object> into) throws IOException {
        String key = "";
        Object value = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag >>> 3 == 1) {
                key = in.readString();
            } else if (tag >>> 3 == 2) {
                CodedInputStream any = CodedInputStream.newInstance(in.readByteArray());
                for (int t = any.readTag(); t != 0; t = any.readTag()) {
                    switch (t >>> 3) {
                        case 1 -> value = any.readString();
                        case 2 -> value = any.readBool();
                        case 3 -> value = any.readInt64();
                        case 4 -> value = any.readDouble();
                        default -> any.skipField(t);
                    }
                }
            } else {
                in.skipField(tag);
            }
        }
        into.put(key, value);
    }
}
