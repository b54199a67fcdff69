package io.infergate.common.json;

import io.infergate.common.snapshot.SnapshotDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nesting depth is counted over brackets outside strings, the same for bytes and text. */
class JsonLimitsTest {

    @ParameterizedTest(name = "{0} max {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{}|1|false",
                "{}|0|true",
                "{\"a\":[1,{\"b\":2}]}|3|false",
                "{\"a\":[1,{\"b\":2}]}|2|true",
                "[[],[],[]]|2|false", // siblings do not add up
                "{\"s\":\"[[[[[[\"}|1|false", // brackets inside strings do not count
                "{\"s\":\"\\\"[[[[\"}|1|false", // nor after an escaped quote
                "{\"s\":\"\\\\\"}|1|false", // an escaped backslash ends before the closing quote
                "]]]]{}|1|false", // stray closers never make the depth negative
                "ü[[\"ß\"]]|2|false",
            })
    void depth(String json, int max, boolean tooDeep) {
        assertEquals(tooDeep, JsonLimits.tooDeep(json, max));
        assertEquals(tooDeep, JsonLimits.tooDeep(json.getBytes(StandardCharsets.UTF_8), max));
    }

    @Test
    void aHundredThousandLevelsAreRefusedWithoutParsing() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertTrue(JsonLimits.tooDeep(deep, JsonLimits.MAX_SNAPSHOT_DEPTH));
        assertFalse(JsonLimits.tooDeep("[".repeat(32) + "]".repeat(32), JsonLimits.MAX_SNAPSHOT_DEPTH));
    }

    /** Issue 16: a deeply nested snapshot threw out of the decoder (500 and a stack trace per PUT). */
    @Test
    void aDeepSnapshotIsAViolationNotAnException() {
        for (int depth : new int[] {33, 999, 1000, 5000, 200_000}) {
            String deep = "{\"schemaVersion\":1,\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            var r = assertInstanceOf(SnapshotDecoder.Result.Invalid.class, SnapshotDecoder.decode(deep));
            assertTrue(r.violations().getFirst().message().contains("nested deeper than 32"), r.toString());
        }
    }
}
