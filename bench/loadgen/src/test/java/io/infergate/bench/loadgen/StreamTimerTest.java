package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamTimerTest {

    private static final String TOKEN = "data: {\"choices\":[{\"text\":\"w\"}]}";

    @Test
    void ttftIsTheFirstContentEventAndGapsAreBetweenContentEvents() {
        // clock readings, one per content event only (other lines are not stamped)
        Iterator<Long> clock = List.of(1_300L, 1_310L, 1_335L).iterator();
        StreamTimer t = new StreamTimer(1_000, 3, clock::next);
        for (String line : List.of(
                "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "",
                TOKEN,
                "",
                TOKEN,
                "",
                TOKEN,
                "",
                "data: [DONE]",
                "")) {
            t.onNext(line);
        }
        assertEquals(300, t.ttftNanos());
        assertArrayEquals(new long[] {10, 25}, t.gapsNanos());
        assertEquals(3, t.tokens());
        assertTrue(t.done());
    }

    @Test
    void aStreamWithoutDoneIsNotDoneAndWithoutTokensHasNoTtft() {
        StreamTimer t = new StreamTimer(0, 1, () -> 5);
        t.onNext("");
        assertEquals(-1, t.ttftNanos());
        assertEquals(0, t.gapsNanos().length);
        assertFalse(t.done());
    }

    @Test
    void growsBeyondTheExpectedTokens() {
        long[] now = {0};
        StreamTimer t = new StreamTimer(0, 1, () -> now[0] += 2);
        for (int i = 0; i < 40; i++) {
            t.onNext(TOKEN);
        }
        assertEquals(39, t.gapsNanos().length);
        assertEquals(2, t.gapsNanos()[38]);
    }
}
