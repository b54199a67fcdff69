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
     * Turn {@code turn} of conversation {@code epoch} of a multi-turn {@code group}: the system
     * prompt, every earlier turn (question and answer) and the new question. Two requests of the
     * same conversation share everything up to the earlier of their turns, so the prefix grows.
     * The answers are fixed text of {@code answerTokens}, standing for what the model said (a
     * simulator's own output is random, so the client could not send it back anyway).
     */
    public static String conversation(
            long seed, int group, int epoch, int turn, int systemTokens, int questionTokens, int answerTokens) {
        long base = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1));
        StringBuilder b = new StringBuilder(system(base, group, systemTokens));
        for (int k = 0; k <= turn; k++) {
            long t = base * 31 + group * 1_000_003L + k;
            b.append("\nuser ").append(question(t, questionTokens));
            if (k < turn) {
                b.append("\nassistant ").append(question(~t, answerTokens));
            }
        }
        return b.toString();
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
