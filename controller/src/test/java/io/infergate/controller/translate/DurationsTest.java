package io.infergate.controller.translate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gateway API durations (GEP-2257), including the GEP's own test vectors. */
class DurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            seconds                                  | 300s            | 300000
            hours                                    | 1h              | 3600000
            milliseconds                             | 500ms           | 500
            minutes and seconds add up               | 1m30s           | 90000
            all four units                           | 1h30m30s500ms   | 5430500
            zero hours is the zero duration          | 0h              | 0
            zero seconds disables a timeout          | 0s              | 0
            units in any order                       | 10s30m1h        | 5410000
            repeated units add up                    | 100ms200ms300ms | 600
            leading zeroes are decimal               | 00060m          | 3600000
            five digits is the maximum               | 99999s          | 99999000
            missing unit                             | 1               | -
            missing unit after a component           | 1m1             | -
            days are not supported                   | 1d              | -
            more than four components                | 1h30m10s20ms50h | -
            more than five digits                    | 999999h         | -
            no fractions                             | 1.5h            | -
            no sign                                  | -15m            | -
            not empty                                | ''              | -
            no spaces                                | 1h 30m          | -
            """)
    void parse(String reason, String text, Long millis) {
        assertEquals(Optional.ofNullable(millis).map(Duration::ofMillis), Durations.parse(text));
    }
}
