package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptsTest {

    /** The simulator's token rule: a run of letters or digits is one token, other non-space characters one each. */
    static int tokens(String s) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (!inWord) {
                    n++;
                }
                inWord = true;
            } else {
                inWord = false;
                if (!Character.isWhitespace(c)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void exactTokenCounts() {
        assertEquals(2048, tokens(Prompts.system(1, 5, 2048)));
        assertEquals(256, tokens(Prompts.question(99, 256)));
        assertEquals(2304, tokens(Prompts.prompt(Prompts.system(1, 5, 2048), Prompts.question(99, 256))));
    }

    @Test
    void deterministicPerSeedAndGroup() {
        assertEquals(Prompts.system(1, 5, 100), Prompts.system(1, 5, 100));
        assertNotEquals(Prompts.system(1, 5, 100), Prompts.system(1, 6, 100));
        assertNotEquals(Prompts.system(1, 5, 100), Prompts.system(2, 5, 100));
        assertEquals(Prompts.question(4, 50), Prompts.question(4, 50));
    }

    @Test
    void groupsDifferFromTheFirstRouterBlock() {
        // the router hashes 64-character blocks: two groups must not share the first one
        assertNotEquals(
                Prompts.system(1, 5, 100).substring(0, 64),
                Prompts.system(1, 15, 100).substring(0, 64));
        assertTrue(Prompts.system(1, 5, 2048).length() > 2048 * 5, "about 6 characters per token");
    }

    @Test
    void aConversationGrowsTurnByTurnAndRestartsWithANewEpoch() {
        String t0 = Prompts.conversation(1, 3, 0, 0, 50, 10, 20);
        String t1 = Prompts.conversation(1, 3, 0, 1, 50, 10, 20);
        String t2 = Prompts.conversation(1, 3, 0, 2, 50, 10, 20);
        assertTrue(t1.startsWith(t0), "turn 1 extends turn 0");
        assertTrue(t2.startsWith(t1.substring(0, t1.lastIndexOf("\nuser "))), "turn 2 keeps turn 1 and its answer");
        assertTrue(t2.length() > t1.length() && t1.length() > t0.length());
        assertNotEquals(
                t0.substring(0, 64),
                Prompts.conversation(1, 3, 1, 0, 50, 10, 20).substring(0, 64),
                "a new epoch is new text");
    }

    @Test
    void theBodyEscapesThePrompt() {
        assertEquals(
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"ignore_eos\":true,\"max_tokens\":3,\"temperature\":0,\"prompt\":\"a\\nb \\\"q\\\" \\\\\"}",
                Client.body("m", "a\nb \"q\" \\", 3));
    }
}
