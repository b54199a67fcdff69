package io.infergate.router.snapshot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BearerTokenTest {

    private static final BearerToken TOKEN = new BearerToken("abc123");

    @ParameterizedTest(name = "[{0}] accepted: {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "Bearer abc123|true",
                "bearer abc123|true",
                "Bearer   abc123  |true",
                "Bearer abc1234|false",
                "Bearer abc12|false",
                "Basic abc123|false",
                "abc123|false",
                "Bearer|false",
                "NULL|false"
            })
    void accepts(String header, boolean accepted) {
        assertEquals(accepted, TOKEN.accepts(header));
    }

    @ParameterizedTest(name = "toString never shows the token")
    @CsvSource("abc123")
    void redacted(String secret) {
        assertEquals(false, new BearerToken(secret).toString().contains(secret));
    }
}
