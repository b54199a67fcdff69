package io.infergate.router.inference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class OpenAiParserTest {

    /** Expected: "model/stream" when usable, else "invalid:param" ("-" when no param is blamed). */
    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("model only; stream defaults to false", "{\"model\":\"m\",\"prompt\":\"p\"}", "m/false"),
                arguments("stream true", "{\"model\":\"m\",\"stream\":true}", "m/true"),
                arguments("stream null means false", "{\"model\":\"m\",\"stream\":null}", "m/false"),
                arguments(
                        "nested objects and arrays are skipped, not read",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":\\\"x\\\"}\"}],\"stream_options\":{\"model\":\"no\"},\"model\":\"m\"}",
                        "m/false"),
                arguments("a nested model key does not count", "{\"meta\":{\"model\":\"x\"}}", "invalid:model"),
                arguments("missing model", "{\"prompt\":\"p\"}", "invalid:model"),
                arguments("blank model", "{\"model\":\"  \"}", "invalid:model"),
                arguments("model not a string", "{\"model\":7}", "invalid:model"),
                arguments("stream not a boolean", "{\"model\":\"m\",\"stream\":\"yes\"}", "invalid:stream"),
                arguments("truncated JSON", "{\"model\":\"m\",\"prompt\":", "invalid:-"),
                arguments("not an object", "[1,2]", "invalid:-"),
                arguments("empty body", "", "invalid:-"),
                arguments("garbage after the object", "{\"model\":\"m\"} x", "invalid:-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void parse(String reason, String body, String expected) {
        String actual = switch (OpenAiParser.parse(body.getBytes(StandardCharsets.UTF_8))) {
            case OpenAiParser.Result.Ok ok -> ok.request().model() + "/" + ok.request().stream();
            case OpenAiParser.Result.Invalid invalid ->
                "invalid:" + invalid.param().orElse("-");
        };
        assertEquals(expected, actual);
    }

    static Stream<Arguments> prompts() {
        return Stream.of(
                arguments(
                        "completion: the prompt string", "{\"model\":\"m\",\"prompt\":\"Hello there\"}", "Hello there"),
                arguments(
                        "array prompt: its compact JSON",
                        "{\"model\":\"m\",\"prompt\":[\"a\", \"b\"]}",
                        "[\"a\",\"b\"]"),
                arguments(
                        "chat: the compact JSON of messages",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\", \"content\":\"hi\"}]}",
                        "[{\"role\":\"user\",\"content\":\"hi\"}]"),
                arguments(
                        "messages win over prompt, whatever the order",
                        "{\"prompt\":\"p\",\"model\":\"m\",\"messages\":[]}",
                        "[]"),
                arguments("neither: empty", "{\"model\":\"m\"}", ""),
                arguments("a prompt of another type is ignored", "{\"model\":\"m\",\"prompt\":{\"x\":1}}", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prompts")
    void promptTextIsReadInTheSamePass(String reason, String body, String expected) {
        var ok = (OpenAiParser.Result.Ok) OpenAiParser.parse(body.getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, ok.request().promptText(), reason);
    }

    /**
     * Parsson 1.1.7's skipArray/skipObject loop forever on these (found by FramingFuzzTest): each
     * such body pinned a carrier thread. Every one must be refused, promptly.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"model\":\"m\",\"max_tokens\":[1,\"stream\":true}",
                "{\"model\":\"m\",\"x\":[1",
                "{\"model\":\"m\",\"x\":{\"a\"",
                "{\"model\":\"m\",\"x\":{\"a\":[1,{\"b\":",
                "{\"model\":\"m\",\"x\":[,\"stream\":true}",
            })
    void malformedNestedValuesAreRefusedPromptly(String body) {
        var r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> OpenAiParser.parse(body.getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertInstanceOf(OpenAiParser.Result.Invalid.class, r);
    }
}
