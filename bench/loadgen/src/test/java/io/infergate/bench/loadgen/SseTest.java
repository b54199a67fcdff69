package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "completion token   | data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"lorem\",\"finish_reason\":null}]} | CONTENT",
                "no space after :   | data:{\"choices\":[{\"text\":\" ipsum\"}]}                                         | CONTENT",
                "chat delta         | data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}                                 | CONTENT",
                "empty text         | data: {\"choices\":[{\"text\":\"\",\"finish_reason\":\"length\"}]}                    | OTHER_DATA",
                "role-only chunk    | data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}           | OTHER_DATA",
                "usage chunk        | data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5}}                                | OTHER_DATA",
                "done               | data: [DONE]                                                                          | DONE",
                "blank separator    | ''                                                                                    | NOT_DATA",
                "comment            | ': keep-alive'                                                                        | NOT_DATA",
                "event name         | event: message                                                                        | NOT_DATA",
            })
    void classifies(String why, String line, Sse.Kind kind) {
        assertEquals(kind, Sse.classify(line));
    }

    @Test
    void readsTheUsageChunksTokenCounts() {
        String usage = "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":2304,\"completion_tokens\":64,"
                + "\"total_tokens\":2368,\"prompt_tokens_details\":{\"cached_tokens\":2048}}}";
        assertEquals(Sse.Kind.OTHER_DATA, Sse.classify(usage));
        assertEquals(2304, Sse.intField(usage, "prompt_tokens"));
        assertEquals(2048, Sse.intField(usage, "cached_tokens"));
        assertEquals(-1, Sse.intField(usage, "reasoning_tokens"));
        assertEquals(-1, Sse.intField("data: {\"cached_tokens\":null}", "cached_tokens"));
    }
}
