package io.infergate.simulator;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.infergate.simulator.TestClient.get;
import static io.infergate.simulator.TestClient.json;
import static io.infergate.simulator.TestClient.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-streaming completions and chat, the model list and the error answers, over real sockets. */
class GenerationTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("gen-0")
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ZERO)
                .defaultMaxTokens(7)
                .loraAdapters("sql-lora")
                .build());
    }

    @AfterAll
    static void stop() {
        pod.close();
    }

    @Test
    void completionHasOpenAiShapeAndUsage() {
        long servedBefore = pod.requestsServed();
        HttpResponse<String> res = post(
                pod,
                "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"Hello, world!\",\"max_tokens\":5,\"temperature\":0.7}");

        assertEquals(200, res.statusCode(), res.body());
        assertEquals(
                "application/json", res.headers().firstValue("content-type").orElseThrow());
        assertEquals("gen-0", res.headers().firstValue("x-inference-pod").orElseThrow());
        assertEquals(
                String.valueOf(pod.port()),
                res.headers().firstValue("x-inference-port").orElseThrow());
        JsonObject body = json(res.body());
        assertTrue(body.getString("id").startsWith("cmpl-"));
        assertEquals("text_completion", body.getString("object"));
        assertEquals(MODEL, body.getString("model"));
        assertTrue(body.getJsonNumber("created").longValue() > 1_600_000_000L);
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertEquals(0, choice.getInt("index"));
        assertEquals("length", choice.getString("finish_reason"));
        assertEquals(5, choice.getString("text").split(" ").length);
        // "Hello, world!" is 4 tokens under the word/punctuation rule.
        assertEquals(usage(4, 5), body.getJsonObject("usage"));
        assertEquals(servedBefore + 1, pod.requestsServed());
    }

    @Test
    void chatHasAssistantMessageDefaultLengthAndStop() {
        HttpResponse<String> res = post(pod, "/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"What is KV cache?"}]}]}""".formatted(MODEL));

        assertEquals(200, res.statusCode(), res.body());
        JsonObject body = json(res.body());
        assertTrue(body.getString("id").startsWith("chatcmpl-"));
        assertEquals("chat.completion", body.getString("object"));
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertEquals("assistant", choice.getJsonObject("message").getString("role"));
        assertEquals(7, choice.getJsonObject("message").getString("content").split(" ").length);
        // No max_tokens: the configured default length, and the model "stopped" on its own.
        assertEquals("stop", choice.getString("finish_reason"));
        // "Be brief." = 3 tokens, "What is KV cache?" = 5 tokens.
        assertEquals(usage(8, 7), body.getJsonObject("usage"));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensInChat() {
        JsonObject body =
                json(post(pod, "/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"hi"}],"max_tokens":9,"max_completion_tokens":2}""".formatted(MODEL)).body());
        assertEquals(2, body.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void promptArrayGivesOneChoicePerPrompt() {
        JsonObject body = json(post(
                        pod,
                        "/v1/completions",
                        "{\"model\":\"" + MODEL + "\",\"prompt\":[\"one two\",\"three\"],\"max_tokens\":3}")
                .body());
        JsonArray choices = body.getJsonArray("choices");
        assertEquals(2, choices.size());
        assertEquals(1, choices.getJsonObject(1).getInt("index"));
        assertEquals(usage(3, 6), body.getJsonObject("usage"));
    }

    @Test
    void sameSeedAndPromptGiveSameTextOtherPromptOrSeedDoNot() {
        try (SimulatedPod twin =
                        SimulatedPod.start(pod.config().toBuilder().port(0).build());
                SimulatedPod otherSeed = SimulatedPod.start(
                        pod.config().toBuilder().port(0).seed(42).build())) {
            String request = "{\"model\":\"" + MODEL + "\",\"prompt\":\"the same prompt\",\"max_tokens\":12}";
            String here = text(post(pod, "/v1/completions", request));
            assertEquals(here, text(post(twin, "/v1/completions", request)));
            assertEquals(here, text(post(pod, "/v1/completions", request)));
            assertNotEquals(here, text(post(otherSeed, "/v1/completions", request)));
            assertNotEquals(here, text(post(pod, "/v1/completions", request.replace("same", "other"))));
        }
    }

    @Test
    void loraAdapterIsServedUnderItsOwnName() {
        HttpResponse<String> res = post(pod, "/v1/completions", "{\"model\":\"sql-lora\",\"prompt\":\"x\"}");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("sql-lora", json(res.body()).getString("model"));
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        HttpResponse<String> res = post(pod, "/v1/completions", "{\"model\":\"gpt-5\",\"prompt\":\"x\"}");
        assertEquals(404, res.statusCode());
        JsonObject error = json(res.body()).getJsonObject("error");
        assertEquals("invalid_request_error", error.getString("type"));
        assertEquals("model", error.getString("param"));
        assertEquals("model_not_found", error.getString("code"));
        assertTrue(error.getString("message").contains("gpt-5"), error.getString("message"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                    | /v1/completions      | {"model":
            JSON but not an object      | /v1/completions      | ["model"]
            empty body                  | /v1/completions      | ''
            model missing               | /v1/completions      | {"prompt":"x"}
            model not a string          | /v1/chat/completions | {"model":7,"messages":[{"role":"user","content":"x"}]}
            prompt missing              | /v1/completions      | {"model":"Qwen2.5-0.5B-Instruct"}
            messages empty              | /v1/chat/completions | {"model":"Qwen2.5-0.5B-Instruct","messages":[]}
            message without role        | /v1/chat/completions | {"model":"Qwen2.5-0.5B-Instruct","messages":[{"content":"x"}]}
            max_tokens zero             | /v1/completions      | {"model":"Qwen2.5-0.5B-Instruct","prompt":"x","max_tokens":0}
            max_tokens not integral     | /v1/completions      | {"model":"Qwen2.5-0.5B-Instruct","prompt":"x","max_tokens":1.5}
            beyond the context length   | /v1/completions      | {"model":"Qwen2.5-0.5B-Instruct","prompt":"x","max_tokens":40000}
            stream not a boolean        | /v1/completions      | {"model":"Qwen2.5-0.5B-Instruct","prompt":"x","stream":"yes"}
            """)
    void invalidRequestIs400WithOpenAiError(String reason, String path, String body) {
        HttpResponse<String> res = post(pod, path, body);
        assertEquals(400, res.statusCode(), res.body());
        JsonObject error = json(res.body()).getJsonObject("error");
        assertEquals("invalid_request_error", error.getString("type"));
        assertTrue(error.containsKey("param") && error.containsKey("code"), res.body());
        assertTrue(!error.getString("message").isBlank());
    }

    @Test
    void wrongMethodIs405WithAllow() {
        HttpResponse<String> res = get(pod, "/v1/chat/completions");
        assertEquals(405, res.statusCode());
        assertEquals("POST", res.headers().firstValue("allow").orElseThrow());
        assertEquals(
                "method_not_allowed", json(res.body()).getJsonObject("error").getString("code"));
        assertEquals(405, post(pod, "/metrics", "{}").statusCode());
    }

    @Test
    void modelsListsBaseModelAndAdapterWithParent() {
        HttpResponse<String> res = get(pod, "/v1/models");
        assertEquals(200, res.statusCode());
        JsonObject body = json(res.body());
        assertEquals("list", body.getString("object"));
        JsonArray data = body.getJsonArray("data");
        assertEquals(2, data.size());
        JsonObject base = data.getJsonObject(0);
        assertEquals(MODEL, base.getString("id"));
        assertEquals("model", base.getString("object"));
        assertEquals("infergate-simulator", base.getString("owned_by"));
        assertTrue(base.isNull("parent"));
        JsonObject adapter = data.getJsonObject(1);
        assertEquals("sql-lora", adapter.getString("id"));
        assertEquals(MODEL, adapter.getString("parent"));
    }

    @Test
    void healthAndReadyAreOk() {
        for (String path : new String[] {"/health", "/ready"}) {
            HttpResponse<String> res = get(pod, path);
            assertEquals(200, res.statusCode(), path);
            assertEquals("ok", json(res.body()).getString("status"), path);
        }
    }

    /** Usage of a prompt shorter than one KV block, which can never be served from the prefix cache. */
    private static JsonObject usage(int prompt, int completion) {
        return jakarta.json.Json.createObjectBuilder()
                .add("prompt_tokens", prompt)
                .add("completion_tokens", completion)
                .add("total_tokens", prompt + completion)
                .add(
                        "prompt_tokens_details",
                        jakarta.json.Json.createObjectBuilder().add("cached_tokens", 0))
                .build();
    }

    private static String text(HttpResponse<String> res) {
        assertEquals(200, res.statusCode(), res.body());
        return json(res.body()).getJsonArray("choices").getJsonObject(0).getString("text");
    }
}
