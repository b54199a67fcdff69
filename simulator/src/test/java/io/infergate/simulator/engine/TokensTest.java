package io.infergate.simulator.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokensTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty is free                         | ''                  | 0
            whitespace is free                    | '  \t '             | 0
            one word                              | hello               | 1
            words split at spaces                 | the quick fox       | 3
            punctuation counts alone              | 'Hello, world!'     | 4
            digits and letters form one run       | abc123 x9           | 2
            each symbol is a token                | a+b=c               | 5
            non-ASCII letters are letters         | naïve café          | 2
            apostrophe splits a word              | don't               | 3
            """)
    void countsWordRunsAndSymbols(String reason, String text, int expected) {
        assertEquals(expected, Tokens.count(text));
    }
}
