package io.infergate.router.inference;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What the router does to one inference response on its way back: restore the model name the
 * client asked for when the request was rewritten, read {@code usage}, and report each streamed
 * token event. Pure: bytes in, bytes out; the caller writes and flushes.
 *
 * <p>Non-streaming JSON is handled whole ({@link #json}). A stream is handled event by event as the
 * chunks arrive: with a rewrite, each complete event is rewritten and handed back at once (only an
 * event cut by a chunk boundary waits for its end); without one the caller writes every chunk
 * first and {@link #observe}s it afterwards, so reading usage never delays a byte. Only events that
 * mention {@code "usage"} are parsed when nothing is rewritten; with a rewrite, an event naming the
 * upstream model exactly once in compact form is spliced byte for byte, any other is parsed.
 */
public final class InferenceResponse {

    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final Optional<String> originalModel;
    /** {@code "model":"<upstream name>"} and {@code "model":"<client's name>"} as compact JSON, when rewriting. */
    private final byte[] upstreamField;

    private final byte[] clientField;
    private final Runnable tokenEvent;
    private final Usage usage = new Usage();
    /** Streamed events with choices so far: the completion length when a stream reports no usage. */
    private long tokenEvents;

    private final SseEvents events = new SseEvents();

    /**
     * @param originalModel the model the client sent, when the request went upstream as another one
     * @param tokenEvent    called for every streamed event that carries choices (a token or more)
     */
    public InferenceResponse(Optional<String> originalModel, Runnable tokenEvent) {
        this(originalModel, Optional.empty(), tokenEvent);
    }

    /**
     * @param upstreamModel the name the request went upstream as: events naming it in compact
     *                      JSON ({@code "model":"name"}, as vLLM writes them) get the client's name
     *                      by a byte splice instead of a parse and rewrite of the whole event
     */
    public InferenceResponse(Optional<String> originalModel, Optional<String> upstreamModel, Runnable tokenEvent) {
        this.originalModel = originalModel;
        this.tokenEvent = () -> {
            tokenEvents++;
            tokenEvent.run();
        };
        boolean splice = originalModel.isPresent() && upstreamModel.isPresent();
        this.upstreamField = splice ? OpenAiJson.modelField(upstreamModel.get()) : null;
        this.clientField = splice ? OpenAiJson.modelField(originalModel.get()) : null;
    }

    /** Whether bytes are changed on the way (else the caller writes first and observes). */
    public boolean rewrites() {
        return originalModel.isPresent();
    }

    /** Streamed events that carried choices so far (about one token each on vLLM). */
    public long tokenEvents() {
        return tokenEvents;
    }

    /** What the server reported in {@code usage} so far. */
    public Usage usage() {
        return usage;
    }

    /** A whole JSON response: usage read, model restored when rewritten; other bodies unchanged. */
    public byte[] json(byte[] body) {
        if (originalModel.isEmpty()) { // nothing to rewrite: only usage is read, the rest skipped
            OpenAiJson.memberObject(body, 0, body.length, "usage").ifPresent(usage::readUsage);
            return body;
        }
        Optional<JsonObject> o = OpenAiJson.object(body, 0, body.length);
        if (o.isEmpty()) {
            return body;
        }
        usage.read(o.get());
        if (originalModel.isPresent() && o.get().get("model") instanceof JsonString) {
            return OpenAiJson.withModel(o.get(), originalModel.get());
        }
        return body;
    }

    /** A stream chunk with a rewrite: the bytes to write now (the complete events, rewritten). */
    public byte[] rewrite(byte[] chunk, int length) {
        List<byte[]> complete = events.feed(chunk, 0, length);
        if (complete.size() == 1) {
            return event(complete.getFirst());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 64);
        for (byte[] e : complete) {
            out.writeBytes(event(e));
        }
        return out.toByteArray();
    }

    /** A stream chunk already written unchanged: read usage and count token events. */
    public void observe(byte[] chunk, int length) {
        for (byte[] e : events.feed(chunk, 0, length)) {
            event(e);
        }
    }

    /** The end of the stream: an unfinished last event, written as it is. */
    public byte[] end() {
        return events.rest();
    }

    /** Reads one event; returns it with each data line's model restored when rewriting. */
    private byte[] event(byte[] e) {
        ByteArrayOutputStream out = null;
        int copied = 0;
        int start = 0;
        while (start < e.length) {
            int nl = indexOf(e, (byte) '\n', start);
            int lineEnd = nl < 0 ? e.length : nl;
            int contentEnd = lineEnd > start && e[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (startsWith(e, start, contentEnd, DATA)) {
                int p = start + DATA.length;
                if (p < contentEnd && e[p] == ' ') {
                    p++;
                }
                byte[] replaced = data(e, p, contentEnd);
                if (replaced != null) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(e.length + 32);
                    }
                    out.write(e, copied, p - copied);
                    out.writeBytes(replaced);
                    copied = contentEnd;
                }
            }
            start = nl < 0 ? e.length : nl + 1;
        }
        if (out == null) {
            return e;
        }
        out.write(e, copied, e.length - copied);
        return out.toByteArray();
    }

    /** One data payload: usage and token events noted; the replacement payload, or null to keep it. */
    private byte[] data(byte[] e, int from, int to) {
        if (to - from == DONE.length && startsWith(e, from, to, DONE)) {
            return null;
        }
        boolean hasUsage = indexOf(e, USAGE, from, to) >= 0;
        if (!hasUsage && upstreamField != null) {
            byte[] spliced = splice(e, from, to);
            if (spliced != null) {
                tokenEvent.run();
                return spliced;
            }
        }
        if (!hasUsage && !rewrites()) {
            tokenEvent.run();
            return null;
        }
        Optional<JsonObject> o = OpenAiJson.object(e, from, to - from);
        if (o.isEmpty()) {
            return null;
        }
        usage.read(o.get());
        if (o.get().get("choices") instanceof JsonArray choices && !choices.isEmpty()) {
            tokenEvent.run();
        }
        if (originalModel.isPresent() && o.get().get("model") instanceof JsonString) {
            return OpenAiJson.withModel(o.get(), originalModel.get());
        }
        return null;
    }

    /**
     * The payload with its one {@code "model":"<upstream name>"} replaced by the client's name; null
     * when that exact text is absent or appears more than once (then the event is parsed instead,
     * which also handles other spacing and nested {@code model} keys).
     */
    private byte[] splice(byte[] e, int from, int to) {
        int at = indexOf(e, upstreamField, from, to);
        if (at < 0 || indexOf(e, upstreamField, at + 1, to) >= 0) {
            return null;
        }
        byte[] out = new byte[to - from - upstreamField.length + clientField.length];
        System.arraycopy(e, from, out, 0, at - from);
        System.arraycopy(clientField, 0, out, at - from, clientField.length);
        System.arraycopy(
                e, at + upstreamField.length, out, at - from + clientField.length, to - at - upstreamField.length);
        return out;
    }

    private static boolean startsWith(byte[] e, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (e[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] e, byte b, int from) {
        for (int i = from; i < e.length; i++) {
            if (e[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] e, byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (e[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
