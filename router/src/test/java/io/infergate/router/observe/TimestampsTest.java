package io.infergate.router.observe;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Log timestamps: ISO-8601 UTC, always six fraction digits, the same instant as the JDK's. */
class TimestampsTest {

    private static String iso(long micros) throws IOException {
        StringBuilder b = new StringBuilder();
        Timestamps.appendIso(b, micros);
        return b.toString();
    }

    @Test
    void fixedWidthWithMicroseconds() throws IOException {
        assertEquals("1970-01-01T00:00:00.000000Z", iso(0));
        assertEquals(
                "2026-12-05T15:31:00.000042Z",
                iso(Instant.parse("2026-12-05T15:31:00Z").getEpochSecond() * 1_000_000 + 42));
        assertEquals(
                "2026-12-05T15:31:03.364196Z",
                iso(Instant.parse("2026-12-05T15:31:03.364196302Z").getEpochSecond() * 1_000_000 + 364_196));
        // the cached second changes with the input, both ways
        assertEquals("1969-12-31T23:59:59.999999Z", iso(-1));
        assertEquals("1970-01-01T00:00:01.000000Z", iso(1_000_000));
    }

    @Test
    void nowParsesBackToTheSameInstant() throws IOException {
        long micros = Timestamps.nowMicros();
        Instant parsed = Instant.parse(iso(micros));
        assertEquals(micros, parsed.getEpochSecond() * 1_000_000 + parsed.getNano() / 1_000);
    }
}
