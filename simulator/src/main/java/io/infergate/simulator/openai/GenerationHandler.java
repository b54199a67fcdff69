package io.infergate.simulator.openai;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.QueueFullException;
import io.infergate.simulator.engine.TokenSink;
import io.infergate.simulator.http.BoundedBody;
import io.infergate.simulator.http.JsonBodies;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}.
 *
 * <p>Streaming rule: the 200 and its headers go out with the first token, not before, so a request
 * refused by admission can still be answered 429. Every event is flushed as soon as it is written;
 * the server's output buffer would otherwise hold tokens back and hide the real time to first token.
 */
final class GenerationHandler implements Handler {

    private static final Logger LOG = Logger.getLogger(GenerationHandler.class.getName());
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Prompt tokens served from the prefix cache, for benchmarks that do not parse the body. */
    static final HeaderName CACHED_TOKENS = HeaderNames.create("x-prefix-cache-hit-tokens");
    /** Prompt tokens of the request under the simulator's token rule. */
    static final HeaderName PROMPT_TOKENS = HeaderNames.create("x-prompt-tokens");

    private final GenerationApi api;
    private final RequestParser parser;
    private final Engine engine;

    GenerationHandler(GenerationApi api, RequestParser parser, Engine engine) {
        this.api = api;
        this.parser = parser;
        this.engine = engine;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        try {
            ParsedRequest request = parser.parse(api, BoundedBody.read(req));
            if (request.stream()) {
                stream(request, res);
            } else {
                whole(request, req, res);
            }
        } catch (ApiError e) {
            e.send(res);
        } catch (BoundedBody.TooLargeException e) {
            ApiError.tooLarge(e.getMessage()).send(res);
        } catch (QueueFullException e) {
            ApiError.queueFull(e.getMessage()).send(res);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ApiError.unavailable("The server is shutting down.").send(res);
        } catch (IOException | UncheckedIOException e) {
            // The client went away mid-response; its slot is already freed and there is no one to answer.
            LOG.log(Level.FINE, "client gone during " + api.path(), e);
        }
    }

    private void whole(ParsedRequest request, ServerRequest req, ServerResponse res)
            throws QueueFullException, InterruptedException, IOException {
        Payloads payloads = new Payloads(api, request.plan());
        List<StringBuilder> texts = new ArrayList<>();
        request.plan().prompts().forEach(p -> texts.add(new StringBuilder()));
        int[] cached = new int[1];
        engine.run(request.plan(), new TokenSink() {
            @Override
            public void admitted(int cachedTokens) {
                cached[0] = cachedTokens;
            }

            @Override
            public void accept(int step, List<String> pieces, boolean last) {
                for (int i = 0; i < pieces.size(); i++) {
                    texts.get(i).append(pieces.get(i));
                }
            }
        });
        payloads.cachedTokens(cached[0]);
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        tokenHeaders(res, request, cached[0]);
        jakarta.json.JsonObject body =
                payloads.whole(texts.stream().map(StringBuilder::toString).toList());
        if (request.remoteDecode()) {
            body = KvTransfer.withPrefillAnswer(
                    body, req.localPeer().host(), req.localPeer().port());
        }
        res.send(JsonBodies.bytes(body));
    }

    private void stream(ParsedRequest request, ServerResponse res)
            throws QueueFullException, InterruptedException, IOException {
        Payloads payloads = new Payloads(api, request.plan());
        OutputStream[] out = new OutputStream[1];
        try {
            engine.run(request.plan(), new TokenSink() {
                @Override
                public void admitted(int cachedTokens) {
                    payloads.cachedTokens(cachedTokens);
                    tokenHeaders(res, request, cachedTokens);
                }

                @Override
                public void accept(int step, List<String> pieces, boolean last) throws IOException {
                    if (out[0] == null) {
                        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                        out[0] = res.outputStream();
                    }
                    for (int i = 0; i < pieces.size(); i++) {
                        writeEvent(out[0], JsonBodies.bytes(payloads.tokenChunk(i, step, pieces.get(i), last)));
                    }
                    out[0].flush();
                }
            });
            if (request.includeUsage()) {
                writeEvent(out[0], JsonBodies.bytes(payloads.usageChunk()));
            }
            out[0].write(DONE);
            out[0].flush();
        } finally {
            closeQuietly(out[0]);
        }
    }

    private static void tokenHeaders(ServerResponse res, ParsedRequest request, int cachedTokens) {
        res.header(CACHED_TOKENS, Integer.toString(cachedTokens));
        res.header(PROMPT_TOKENS, Integer.toString(request.plan().promptTokens()));
    }

    /** Ends the chunked response; a failure here only means the client is already gone. */
    private static void closeQuietly(OutputStream out) {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.FINE, "client gone while closing a stream", e);
        }
    }

    private static void writeEvent(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(EVENT_END);
    }
}
