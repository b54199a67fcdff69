package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilesTest {

    private static final long[] HUNDRED = new long[100];

    static {
        for (int i = 0; i < 100; i++) {
            HUNDRED[99 - i] = i + 1L; // 100 … 1, unsorted on purpose
        }
    }

    @ParameterizedTest(name = "p{0} of 1..100 = {1}")
    @CsvSource({"50, 50", "90, 90", "99, 99", "100, 100", "0.5, 1", "99.5, 100"})
    void nearestRankOfOneToHundred(double p, double expected) {
        assertEquals(expected, new Percentiles(HUNDRED).at(p));
    }

    @ParameterizedTest(name = "p{0} of [10,20,30] = {1}")
    @CsvSource({"33, 10", "34, 20", "50, 20", "67, 30", "90, 30"}) // rank = ceil(p/100 × 3)
    void nearestRankOfThree(double p, double expected) {
        assertEquals(expected, new Percentiles(new long[] {30, 10, 20}).at(p));
    }

    @Test
    void emptyIsNaNAndBadPercentilesAreRejected() {
        assertTrue(Double.isNaN(new Percentiles(new long[0]).at(50)));
        assertThrows(IllegalArgumentException.class, () -> new Percentiles(HUNDRED).at(0));
        assertThrows(IllegalArgumentException.class, () -> new Percentiles(HUNDRED).at(101));
    }
}
