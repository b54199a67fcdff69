package io.infergate.simulator.engine;

/**
 * The simulator's token rule, used for usage, KV-cache accounting and the context-length check:
 * every maximal run of letters or digits is one token, and every other non-whitespace character
 * (punctuation, symbols) is one token on its own. Whitespace is free. So {@code "Hello, world!"}
 * is 4 tokens. Real tokenizers differ, but this rule is stable, cheap and easy to predict in tests.
 */
public final class Tokens {

    private Tokens() {}

    public static int count(CharSequence text) {
        int tokens = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (!inWord) {
                    tokens++;
                    inWord = true;
                }
            } else {
                inWord = false;
                if (!Character.isWhitespace(cp)) {
                    tokens++;
                }
            }
        }
        return tokens;
    }
}
