package io.infergate.bench.loadgen;

import java.util.SplittableRandom;

/**
 * Prompt text with an exact token count under the simulator's token rule (a run of letters is one
 * token; whitespace is free): words of 3–7 random lowercase letters separated by spaces, about 6
 * characters per token, so the router's 64-character prefix blocks cover about 11 tokens. A group's
 * system prompt depends only on the seed and the group; a question only on its own seed.
 */
public final class Prompts {

    private Prompts() {}

    /** The system prompt of {@code group}. */
    public static String system(long seed, int group, int tokens) {
        return words(new SplittableRandom(seed ^ (0x5DEECE66DL * (group + 1))), tokens, "sys" + group + " ");
    }

    /** A request's question. */
    public static String question(long questionSeed, int tokens) {
        return words(new SplittableRandom(questionSeed), tokens, "");
    }

    /** The whole prompt: system prompt, a newline, the question. */
    public static String prompt(String system, String question) {
        return system + "\n" + question;
    }

    /**
     * {@code tokens} words; the first one is {@code lead} (a word naming the group, so two groups
     * never share their first block) when given.
     */
    static String words(SplittableRandom rnd, int tokens, String lead) {
        StringBuilder b = new StringBuilder(tokens * 6);
        int n = tokens;
        if (!lead.isEmpty()) {
            b.append(lead);
            n--;
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(' ');
            }
            int len = rnd.nextInt(3, 8);
            for (int j = 0; j < len; j++) {
                b.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return b.toString();
    }
}
