package io.infergate.router.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restoring the client's model in responses, reading usage, counting token events: streams are
 * fed in chunks of every size from 1 byte up, so events and their terminators are cut everywhere.
 */
class InferenceResponseTest {

    private static final String STREAM = """
            data: {"id":"c1","object":"text_completion","model":"food-review-v1","choices":[{"index":0,"text":"Hel"}]}

            data: {"id":"c1","object":"text_completion","model":"food-review-v1","choices":[{"index":0,"text":"lo \\"x\\""}]}

            data: {"id":"c1","object":"text_completion","model":"food-review-v1","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}

            data: [DONE]

            """;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code stream} in chunks of {@code size} bytes; returns what the client receives. */
    private static String rewriteInChunks(InferenceResponse r, String stream, int size) {
        byte[] all = bytes(stream);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < all.length; i += size) {
            int n = Math.min(size, all.length - i);
            byte[] chunk = java.util.Arrays.copyOfRange(all, i, i + n);
            out.writeBytes(r.rewrite(chunk, n));
        }
        out.writeBytes(r.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "chunks of {0} bytes, splice {1}")
    @CsvSource({"1,true", "2,true", "3,true", "7,true", "64,true", "100000,true", "1,false", "7,false", "100000,false"})
    void aStreamHasTheClientsModelInEveryEventWhereverChunksAreCut(int size, boolean splice) {
        AtomicInteger tokens = new AtomicInteger();
        InferenceResponse r = new InferenceResponse(
                Optional.of("food-review"),
                splice ? Optional.of("food-review-v1") : Optional.empty(),
                tokens::incrementAndGet);
        String received = rewriteInChunks(r, STREAM, size);
        assertEquals(STREAM.replace("\"model\":\"food-review-v1\"", "\"model\":\"food-review\""), received);
        assertEquals(2, tokens.get(), "two events carry choices; the usage event and [DONE] do not");
        assertEquals(7, r.usage().promptTokens().orElseThrow());
        assertEquals(2, r.usage().completionTokens().orElseThrow());
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 5, 100_000})
    void observingAStreamReadsUsageAndCountsTokenEvents(int size) {
        AtomicInteger tokens = new AtomicInteger();
        InferenceResponse r = new InferenceResponse(Optional.empty(), tokens::incrementAndGet);
        byte[] all = bytes(STREAM.replace("\n", "\r\n")); // CRLF line ends are events too
        for (int i = 0; i < all.length; i += size) {
            int n = Math.min(size, all.length - i);
            r.observe(java.util.Arrays.copyOfRange(all, i, i + n), n);
        }
        assertEquals(0, r.end().length, "the stream ended on an event boundary");
        assertEquals(2, tokens.get());
        assertEquals(
                9,
                r.usage().promptTokens().orElseThrow()
                        + r.usage().completionTokens().orElseThrow());
    }

    @Test
    void eventsTheSpliceCannotHandleAreParsed() {
        InferenceResponse r = new InferenceResponse(Optional.of("a\"b"), Optional.of("t"), () -> {});
        String stream = "data: {\"model\": \"t\",\"choices\":[{\"text\":\"x\"}]}\n\n" // spaced
                + "data: {\"model\":\"t\",\"meta\":{\"model\":\"t\"},\"choices\":[]}\n\n" // nested too
                + "data: {\"model\":\"t\",\"choices\":[]}\n\n"; // the splice, with an escaped client name
        String out = rewriteInChunks(r, stream, 5);
        assertEquals("""
                data: {"model":"a\\"b","choices":[{"text":"x"}]}

                data: {"model":"a\\"b","meta":{"model":"t"},"choices":[]}

                data: {"model":"a\\"b","choices":[]}

                """, out);
    }

    @Test
    void anUnfinishedLastEventIsWrittenAsItIs() {
        InferenceResponse r = new InferenceResponse(Optional.of("a"), () -> {});
        byte[] cut = bytes("data: {\"model\":\"b\",\"choi");
        assertEquals(0, r.rewrite(cut, cut.length).length, "held until its end arrives");
        assertEquals("data: {\"model\":\"b\",\"choi", new String(r.end(), StandardCharsets.UTF_8));
    }

    @Test
    void aJsonResponseGetsTheClientsModelBackAndItsUsageIsRead() {
        InferenceResponse r = new InferenceResponse(Optional.of("food-review"), () -> {});
        String body = "{\"id\":\"c1\",\"model\":\"food-review-v1\",\"choices\":[{\"text\":\"hi\"}],"
                + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15}}";
        String out = new String(r.json(bytes(body)), StandardCharsets.UTF_8);
        assertEquals(body.replace("food-review-v1", "food-review"), out, "field order and other fields kept");
        assertEquals(11, r.usage().promptTokens().orElseThrow());
        assertEquals(4, r.usage().completionTokens().orElseThrow());
    }

    /** Without a rewrite only usage is read, whatever precedes it, and the body passes as it came. */
    @Test
    void withoutARewriteUsageIsReadPastNestedMembersAndTheBodyIsUntouched() {
        String body =
                "{\"id\":\"c1\",\"choices\":[{\"text\":\"a {\\\"usage\\\": [1]}\",\"logprobs\":{\"t\":[[1,2],{}]}}],"
                        + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3},\"after\":[1]}";
        InferenceResponse r = new InferenceResponse(Optional.empty(), () -> {});
        byte[] in = bytes(body);
        assertSame(in, r.json(in));
        assertEquals(7, r.usage().promptTokens().orElseThrow());
        assertEquals(3, r.usage().completionTokens().orElseThrow());

        for (String other : new String[] {
            "{\"usage\":5}",
            "{\"choices\":[]}",
            "[{\"usage\":{\"prompt_tokens\":1}}]",
            "{\"a\":{\"usage\":{\"prompt_tokens\":1}}}",
            "{\"a\":[1,",
            "not json"
        }) {
            InferenceResponse o = new InferenceResponse(Optional.empty(), () -> {});
            byte[] b = bytes(other);
            assertSame(b, o.json(b), other);
            assertTrue(o.usage().promptTokens().isEmpty(), other);
        }
    }

    @Test
    void bodiesThatAreNotObjectsPassUnchanged() {
        InferenceResponse r = new InferenceResponse(Optional.of("a"), () -> {});
        byte[] body = bytes("upstream said no");
        assertSame(body, r.json(body));
        assertTrue(r.usage().promptTokens().isEmpty());
    }

    @Test
    void theRequestBodyKeepsItsOtherFieldsInOrder() {
        String body =
                "{\"model\":\"food-review\",\"prompt\":\"caf\\u00e9 \\\"q\\\"\",\"max_tokens\":5,\"temperature\":0.7,"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        String out = new String(RequestRewrite.withModel(bytes(body), "food-review-v1"), StandardCharsets.UTF_8);
        assertEquals(
                "{\"model\":\"food-review-v1\",\"prompt\":\"café \\\"q\\\"\",\"max_tokens\":5,\"temperature\":0.7,"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                out);
    }
}
